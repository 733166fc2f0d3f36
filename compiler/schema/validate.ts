// Validation with ajv, one tagged node at a time, so that one mistake gives one precise
// message: a layer's op is found first (unknown op → "did you mean"), then its attributes
// are checked against that op's schema alone — never a wall of anyOf branch errors.
import { Ajv, type ValidateFunction } from 'ajv';
import { didYouMean, type Diagnostic } from '../source/diagnostic.js';
import type { JsonPath, ParsedYaml } from '../source/yaml.js';
import { LOSSES, OPS, OPTIMIZERS } from '../ops/index.js';
import { buildSchema } from './build.js';
import { checkNames } from './names.js';
import { describe, toDiagnostics } from './messages.js';
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
