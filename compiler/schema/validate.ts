// Validation with ajv, one tagged node at a time, so that one mistake gives one precise
// message: a layer's op is found first (unknown op → "did you mean"), then its attributes
// are checked against that op's schema alone — never a wall of anyOf branch errors.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { didYouMean, type Diagnostic } from '../source/diagnostic.js';
import type { JsonPath, ParsedYaml } from '../source/yaml.js';
import { LOSSES, OPS, OPTIMIZERS } from '../ops/index.js';
import { buildSchema } from './build.js';
import { checkNames } from './names.js';
import type { JsonSchema } from '../ops/types.js';

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const schema = buildSchema();
const defs = schema.definitions as Record<string, JsonSchema>;

const cache = new Map<string, ValidateFunction>();
function validator(key: string, make: () => JsonSchema): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(make());
    cache.set(key, v);
  }
  return v;
}

/** The top level alone: its tagged members (layers, loss, optimizer) are checked below. */
function topLevelSchema(): JsonSchema {
  const props = { ...(schema.properties as Record<string, JsonSchema>) };
  props.layers = { type: 'array', minItems: 1 };
  props.loss = {};
  props.optimizer = {};
  return { ...schema, properties: props, definitions: undefined };
}

/** A value as messages quote it, kept short whatever its size. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  const short = (x: string) => (x.length > 40 ? `${x.slice(0, 37)}...` : x);
  if (Array.isArray(v)) {
    const items = v.map((x) => (x !== null && typeof x === 'object' ? (Array.isArray(x) ? '[...]' : '{...}') : JSON.stringify(x)));
    return short(`a list [${items.join(', ')}]`);
  }
  if (typeof v === 'object') return `a map {${short(Object.keys(v).join(', '))}}`;
  if (typeof v === 'string') return `'${short(v)}'`;
  return `${typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v} ${String(v)}`;
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let v: unknown = root;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function typeWords(t: unknown): string {
  const words: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', object: 'a map', array: 'a list', null: 'empty' };
  return (Array.isArray(t) ? t : [t]).map((x) => words[x as string] ?? String(x)).join(' or ');
}

/** The nearest identifier to `v`: a model name is lowercase, a layer name keeps its case. */
function identifier(v: string, lower: boolean): string {
  const s = (lower ? v.toLowerCase() : v).replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z_]+/, '');
  return s || (lower ? 'model' : 'layer');
}

/** PyTorch's argument names, for the hint that names netspec's. */
const PYTORCH_NAMES: Record<string, string> = {
  kernel_size: 'kernel',
  out_channels: 'filters',
  out_features: 'units',
  hidden_size: 'hidden',
  num_layers: 'layers',
};
/** PyTorch arguments that netspec infers from the shapes. */
const INFERRED = new Set(['in_channels', 'in_features', 'input_size']);

/** The allowed name that `extra` stands for: a misspelling of it, or PyTorch's name for it. */
function meant(extra: string, allowed: string[]): string | undefined {
  const alias = PYTORCH_NAMES[extra];
  if (alias !== undefined && allowed.includes(alias)) return alias;
  const hint = didYouMean(extra, allowed);
  return hint === undefined ? undefined : allowed.find((a) => hint === `did you mean '${a}'?`);
}

interface Where {
  /** `conv2d 'conv1'` or `the spec` — what the attributes belong to. */
  owner: string;
  /** Attribute names allowed here, for "did you mean". */
  allowed: string[];
  kind: 'attribute' | 'key';
}

/** Turn one validator's errors into one diagnostic per distinct mistake. */
function toDiagnostics(errors: ErrorObject[], base: JsonPath, src: ParsedYaml, root: unknown, where: Where): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  // The missing required keys of one map are one mistake, named in one message — except a
  // misspelt one, which the "unknown attribute ... did you mean" message already names.
  const missingAt = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'required') continue;
    const missing = (e.params as { missingProperty: string }).missingProperty;
    const misspelt = errors.some((x) => x.keyword === 'additionalProperties' && x.instancePath === e.instancePath &&
      meant((x.params as { additionalProperty: string }).additionalProperty, [missing]) !== undefined);
    if (!misspelt) missingAt.set(e.instancePath, [...(missingAt.get(e.instancePath) ?? []), missing]);
  }
  for (const e of errors) {
    const rel = pointerToPath(e.instancePath);
    const path = [...base, ...rel];
    const attr = rel.length > 0 ? String(rel[0]) : undefined;
    const value = valueAt(root, path);
    // NaN and ±Infinity are reported once, by nonFinite(), whatever else their schema says.
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    const label = attr === undefined ? where.owner : `'${rel.join('.')}'`;
    let d: Diagnostic | undefined;
    // Inside an anyOf (sizes: int or [h, w]) keep only the branch that matches the value's kind.
    const underAnyOf = [...anyOfPaths].find((p) => e.instancePath.startsWith(p) && e.keyword !== 'anyOf');
    if (underAnyOf !== undefined) {
      const branchType = Array.isArray(valueAt(root, [...base, ...pointerToPath(underAnyOf)])) ? 'array' : 'integer';
      const isArrayBranch = /\/anyOf\/1\//.test(e.schemaPath);
      if ((branchType === 'array') !== isArrayBranch || e.keyword === 'type') continue;
    }
    switch (e.keyword) {
      case 'anyOf': {
        const hasBranchError = errors.some((x) => x !== e && x.instancePath.startsWith(e.instancePath) && x.keyword !== 'type' && x.keyword !== 'anyOf' &&
          ((Array.isArray(value)) === /\/anyOf\/1\//.test(x.schemaPath)));
        if (hasBranchError) continue;
        const min = ((e.schema as JsonSchema[])[0]?.minimum as number | undefined) ?? 1;
        d = { code: 'NS202', message: `${label} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or a list [h, w] of two, got ${describe(value)}` };
        break;
      }
      case 'required': {
        const missing = missingAt.get(e.instancePath);
        if (!missing || missing.length === 0) continue;
        missingAt.set(e.instancePath, []);
        const owner = rel.length === 0 ? where.owner : `'${rel.join('.')}'`;
        const kind = rel.length === 0 ? where.kind : 'key';
        d = {
          code: 'NS203',
          message: `${owner} is missing required ${kind}${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}`,
          // At the key that owns the map (`conv2d:`, `input:`), or at the map itself at the top.
          range: typeof path[path.length - 1] === 'string' ? src.locate(path, true) : src.locate(path),
        };
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const nested = rel.length > 0;
        const allowed = nested ? Object.keys(((e.parentSchema as JsonSchema | undefined)?.properties as object | undefined) ?? {}) : where.allowed;
        const owner = nested ? `'${rel.join('.')}'` : where.owner;
        const colon = /^([A-Za-z_]\w*):(.*)$/.exec(extra);
        const hint = colon && allowed.includes(colon[1])
          ? `put a space after the colon: '${colon[1]}: ${colon[2]}'`
          : PYTORCH_NAMES[extra] !== undefined && allowed.includes(PYTORCH_NAMES[extra])
            ? `netspec calls PyTorch's '${extra}' '${PYTORCH_NAMES[extra]}'`
            : INFERRED.has(extra)
              ? `netspec infers '${extra}' from the input shape: remove it`
              : didYouMean(extra, allowed) ?? (allowed.length > 0 ? `expected one of: ${allowed.join(', ')}` : `${owner} takes no ${where.kind}s`);
        d = {
          code: 'NS204',
          message: !nested && where.kind === 'key' ? `unknown top-level key '${extra}'` : `unknown ${nested ? 'key' : where.kind} '${extra}' ${nested ? 'in' : 'for'} ${owner}`,
          hint,
          range: src.locate([...path, extra], true),
        };
        break;
      }
      case 'type':
        d = {
          code: 'NS202',
          message: `${label} must be ${typeWords((e.params as { type: unknown }).type)}, got ${describe(value)}`,
          // YAML 1.2 (unlike 1.1) reads yes/no/on/off as strings.
          hint: e.params.type === 'boolean' && typeof value === 'string' && /^(y|yes|n|no|on|off)$/i.test(value)
            ? `YAML 1.2 reads '${value}' as text: write ${/^(y|yes|on)$/i.test(value) ? 'true' : 'false'}`
            : undefined,
        };
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const p = e.params as { comparison: string; limit: number };
        d = { code: 'NS205', message: `${label} must be ${p.comparison.replace('>=', '≥').replace('<=', '≤')} ${p.limit}, got ${String(value)}` };
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
        d = {
          code: 'NS206',
          message: `${label} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
          hint: typeof value === 'string' ? didYouMean(value, allowed) : undefined,
        };
        break;
      }
      case 'const':
        d = {
          code: 'NS207',
          message: `${label} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, got ${describe(value)}`,
          hint: attr === 'netspec' ? `this netspec reads spec format ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}` : undefined,
        };
        break;
      case 'pattern':
        d = {
          code: 'NS208',
          message: `${label} must be an identifier ${(e.params as { pattern: string }).pattern.replace(/^\^|\$$/g, '')}, got ${describe(value)}`,
          hint: attr === 'name' && typeof value === 'string' ? `try '${identifier(value, where.kind === 'key')}'` : undefined,
        };
        break;
      case 'minItems':
      case 'maxItems':
        const limit = (e.params as { limit: number }).limit;
        d = { code: 'NS209', message: `${label} must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}, got ${Array.isArray(value) ? value.length : 0}` };
        break;
      case 'maxLength':
        d = { code: 'NS209', message: `${label} is longer than ${(e.params as { limit: number }).limit} characters` };
        break;
      default:
        d = { code: 'NS200', message: `${label} ${e.message ?? 'is invalid'}` };
    }
    const key = `${d.code}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...d, file: src.file, range: d.range ?? src.locate(path) });
  }
  return out;
}

/** The name of a tagged node (`relu`, or the single key of `{conv2d: {...}}`), or a diagnostic. */
function tagOf(value: unknown, path: JsonPath, src: ParsedYaml, what: 'layer' | 'loss' | 'optimizer', known: string[]): { name: string; attrs: unknown; attrsPath: JsonPath } | Diagnostic {
  const a = what === 'optimizer' ? 'an' : 'a';
  const form = what === 'layer' ? '{op: {attributes}}' : '{name: {attributes}}';
  if (typeof value === 'string') return { name: value, attrs: null, attrsPath: path };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) return { name: keys[0], attrs: (value as Record<string, unknown>)[keys[0]], attrsPath: [...path, keys[0]] };
    const ops = keys.filter((k) => known.includes(k));
    return {
      code: 'NS210',
      message: keys.length === 0 ? `${a} ${what} cannot be an empty map` : `${a} ${what} is a name or a one-key map ${form}, got keys ${keys.map((k) => `'${k}'`).join(', ')}`,
      hint: ops.length === 1 && keys.length > 1 ? `indent the attributes under '${ops[0]}:'` : `write e.g. {${known[0]}: {...}}`,
      file: src.file,
      range: src.locate(path),
    };
  }
  return { code: 'NS202', message: `${a} ${what} must be a name or a one-key map ${form}, got ${describe(value)}`, file: src.file, range: src.locate(path) };
}

function unknownName(kind: string, name: string, known: string[], path: JsonPath, src: ParsedYaml, key: boolean): Diagnostic {
  return {
    code: 'NS201',
    message: `unknown ${kind} '${name}'`,
    hint: didYouMean(name, known) ?? `expected one of: ${known.join(', ')}`,
    file: src.file,
    range: src.locate(path, key),
  };
}

/** `prefix(i)` is how messages name the unnamed layer i: `layers.3`, `encoder.0`. */
function validateLayers(layers: unknown[], path: JsonPath, prefix: (i: number) => string, src: ParsedYaml, root: unknown, out: Diagnostic[]): void {
  const known = [...OPS.keys()];
  layers.forEach((item, idx) => {
    const p = [...path, idx];
    const tag = tagOf(item, p, src, 'layer', known);
    if ('code' in tag) return void out.push(tag);
    const op = OPS.get(tag.name);
    if (!op) return void out.push(unknownName('op', tag.name, known, typeof item === 'string' ? p : [...p, tag.name], src, typeof item !== 'string'));
    if ((typeof item === 'string' || tag.attrs === null) && op.required.length > 0) {
      return void out.push({
        code: 'NS203',
        message: `${tag.name} needs attributes: ${op.required.join(', ')}`,
        hint: `write {${tag.name}: {${op.required.map((r) => `${r}: ...`).join(', ')}}}`,
        file: src.file,
        range: typeof item === 'string' ? src.locate(p) : src.locate(tag.attrsPath, true),
      });
    }
    const attrs = typeof item === 'string' ? null : tag.attrs;
    const v = validator(`op_${tag.name}`, () => ({ ...defs[`op_${tag.name}`], definitions: defs }));
    const name = attrs !== null && typeof attrs === 'object' && typeof (attrs as { name?: unknown }).name === 'string' ? (attrs as { name: string }).name : undefined;
    const named = name !== undefined ? `'${name}'` : prefix(idx);
    const owner = `${tag.name} ${named}`;
    if (tag.name === 'block') {
      // The block's own keys; its layers are checked item by item, recursively.
      const shallow = validator('block_shallow', () => ({ ...defs.op_block, properties: { ...(defs.op_block.properties as object), layers: { type: 'array', minItems: 1 } } }));
      if (!shallow(attrs)) out.push(...toDiagnostics(shallow.errors ?? [], tag.attrsPath, src, root, { owner, allowed: ['name', 'layers'], kind: 'attribute' }));
      const inner = (attrs as { layers?: unknown } | null)?.layers;
      const at = name ?? prefix(idx);
      if (Array.isArray(inner)) validateLayers(inner, [...tag.attrsPath, 'layers'], (j) => `${at}.${j}`, src, root, out);
      return;
    }
    if (!v(attrs)) out.push(...toDiagnostics(v.errors ?? [], tag.attrsPath, src, root, { owner, allowed: ['name', ...Object.keys(op.attributes)], kind: 'attribute' }));
  });
}

function validateTagged(
  value: unknown,
  key: 'loss' | 'optimizer',
  known: ReadonlyMap<string, { attributes: Record<string, JsonSchema> }>,
  src: ParsedYaml,
  root: unknown,
  out: Diagnostic[],
): void {
  const names = [...known.keys()];
  const tag = tagOf(value, [key], src, key, names);
  if ('code' in tag) return void out.push(tag);
  if (!known.has(tag.name)) return void out.push(unknownName(key, tag.name, names, typeof value === 'string' ? [key] : [key, tag.name], src, typeof value !== 'string'));
  const v = validator(`${key}_${tag.name}`, () => defs[`${key}_${tag.name}`]);
  const attrs = typeof value === 'string' ? null : tag.attrs;
  if ((typeof value === 'string' || attrs === null) && ((defs[`${key}_${tag.name}`].required as string[]) ?? []).length > 0) {
    const req = defs[`${key}_${tag.name}`].required as string[];
    return void out.push({
      code: 'NS203',
      message: `${key} ${tag.name} needs attributes: ${req.join(', ')}`,
      hint: `write {${tag.name}: {${req.map((r) => `${r}: ...`).join(', ')}}}`,
      file: src.file,
      range: typeof value === 'string' ? src.locate([key]) : src.locate(tag.attrsPath, true),
    });
  }
  if (!v(attrs)) out.push(...toDiagnostics(v.errors ?? [], tag.attrsPath, src, root, { owner: `${key} ${tag.name}`, allowed: Object.keys(known.get(tag.name)!.attributes), kind: 'attribute' }));
  else if (key === 'optimizer' && tag.name === 'sgd') {
    // torch.optim.SGD refuses Nesterov momentum without momentum or with dampening.
    const a = attrs as { nesterov?: boolean; momentum?: number; dampening?: number };
    if (a.nesterov === true && (!((a.momentum ?? 0) > 0) || (a.dampening ?? 0) !== 0)) {
      out.push({
        code: 'NS213',
        message: `sgd with nesterov: true needs momentum > 0 and dampening 0, got momentum ${a.momentum ?? 0} and dampening ${a.dampening ?? 0}`,
        hint: 'set momentum (e.g. 0.9) and leave dampening at 0, or drop nesterov',
        file: src.file,
        range: src.locate([...tag.attrsPath, 'nesterov']),
      });
    }
  }
}

/** YAML's .nan and .inf are numbers to JSON Schema; no attribute accepts them. */
function nonFinite(v: unknown, path: JsonPath, src: ParsedYaml, out: Diagnostic[]): void {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    let from = path.length - 1;
    while (from > 0 && typeof path[from] !== 'string') from--;
    out.push({ code: 'NS202', message: `'${path.slice(Math.max(0, from)).join('.')}' must be a finite number, got ${v}`, file: src.file, range: src.locate(path) });
  } else if (Array.isArray(v)) v.forEach((x, i) => nonFinite(x, [...path, i], src, out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) nonFinite(x, [...path, k], src, out);
}

/** Every schema mistake of the file, each once, located, in the order they appear. */
export function validateSpec(src: ParsedYaml): Diagnostic[] {
  const root = src.value;
  const out: Diagnostic[] = [];
  const here = src.locate([]) ?? [0, 1];
  if (root === null || root === undefined) {
    return [{ code: 'NS202', message: 'the spec is empty: it must be a map with netspec, name, input and layers', file: src.file, range: here }];
  }
  if (typeof root !== 'object' || Array.isArray(root)) {
    return [{ code: 'NS202', message: `a spec must be a map with netspec, name, input and layers, got ${describe(root)}`, file: src.file, range: here }];
  }
  const top = validator('top', topLevelSchema);
  if (!top(root)) {
    const topKeys = Object.keys(schema.properties as object);
    out.push(...toDiagnostics(top.errors ?? [], [], src, root, { owner: 'the spec', allowed: topKeys, kind: 'key' }));
  }
  const r = root as Record<string, unknown>;
  if (Array.isArray(r.layers)) validateLayers(r.layers, ['layers'], (i) => `layers.${i}`, src, root, out);
  if (r.loss !== undefined) validateTagged(r.loss, 'loss', LOSSES, src, root, out);
  if (r.optimizer !== undefined) validateTagged(r.optimizer, 'optimizer', OPTIMIZERS, src, root, out);
  out.push(...checkNames(src, r));
  nonFinite(r, [], src, out);
  return out.map((d, i) => [d, i] as const).sort(([a, i], [b, j]) => (a.range?.[0] ?? -1) - (b.range?.[0] ?? -1) || i - j).map(([d]) => d);
}
