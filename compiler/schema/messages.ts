// ajv errors → diagnostics: one message per mistake, in a spec author's words, located at
// the offending node, with a hint ("did you mean", PyTorch's name for an attribute, ...).
import type { ErrorObject } from 'ajv';
import { didYouMean, type Diagnostic } from '../source/diagnostic.js';
import type { JsonPath, ParsedYaml } from '../source/yaml.js';
import type { JsonSchema } from '../ops/types.js';

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

export interface Where {
  /** `conv2d 'conv1'` or `the spec` — what the attributes belong to. */
  owner: string;
  /** Attribute names allowed here, for "did you mean". */
  allowed: string[];
  kind: 'attribute' | 'key';
}

/** Turn one validator's errors into one diagnostic per distinct mistake. */
export function toDiagnostics(errors: ErrorObject[], base: JsonPath, src: ParsedYaml, root: unknown, where: Where): Diagnostic[] {
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
