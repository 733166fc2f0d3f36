// Properties of the front end, over random inputs:
// - conv2d / maxpool2d / avgpool2d output sizes agree with the arithmetic definition
//   floor((H + 2p − d(k−1) − 1)/s) + 1, and an impossible combination is a diagnostic, never a throw;
// - no random mutation of a shipped spec crashes the checker: the outcome is a model, or
//   diagnostics each located inside the file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { renderDiagnostic } from '../../compiler/source/diagnostic.js';
import { summarize } from '../../compiler/summary.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** NETSPEC_FUZZ_RUNS=20000 for a longer hunt. */
const FUZZ = Number(process.env.NETSPEC_FUZZ_RUNS ?? 0);
const out = (H: number, k: number, s: number, p: number, d: number) => Math.floor((H + 2 * p - d * (k - 1) - 1) / s) + 1;

function spec(layer: string, input: number[]): string {
  return `netspec: 1\nname: p\ninput: {shape: [${input.join(', ')}]}\nlayers:\n  - ${layer}\n`;
}

/** The checker's outcome is a model, or at least one diagnostic located in the file. */
function checkNeverThrows(text: string): ReturnType<typeof checkSource> {
  const r = checkSource('mutant.yaml', text);
  if (r.model) {
    expect(r.diagnostics).toEqual([]);
    const s = summarize(r.model);
    expect(Number.isFinite(s.totalParams) && Number.isFinite(s.totalFlops)).toBe(true);
  } else {
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) {
      expect(d.code).toMatch(/^NS\d{3}$/);
      expect(d.file?.text).toBe(text);
      expect(d.range).toBeDefined();
      expect(d.range![0]).toBeGreaterThanOrEqual(0);
      expect(d.range![0]).toBeLessThanOrEqual(text.length);
      expect(d.range![1]).toBeGreaterThanOrEqual(d.range![0]);
      expect(() => renderDiagnostic(d)).not.toThrow();
    }
  }
  return r;
}

describe('shape inference agrees with the arithmetic definition', () => {
  const size = fc.integer({ min: 1, max: 40 });
  it('conv2d', () => {
    fc.assert(
      fc.property(
        fc.record({ C: fc.integer({ min: 1, max: 4 }), F: fc.integer({ min: 1, max: 8 }), H: size, W: size }),
        fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
        fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
        fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
        fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
        ({ C, F, H, W }, [kh, kw], [sh, sw], [ph, pw], [dh, dw]) => {
          const layer = `conv2d: {filters: ${F}, kernel: [${kh}, ${kw}], stride: [${sh}, ${sw}], padding: [${ph}, ${pw}], dilation: [${dh}, ${dw}]}`;
          const r = checkNeverThrows(spec(layer, [C, H, W]));
          const fits = dh * (kh - 1) + 1 <= H + 2 * ph && dw * (kw - 1) + 1 <= W + 2 * pw;
          if (fits) {
            expect(r.model?.nodes[0].outShape).toEqual([F, out(H, kh, sh, ph, dh), out(W, kw, sw, pw, dw)]);
          } else {
            expect(r.diagnostics.map((d) => d.code)).toEqual(['NS301']);
            expect(r.diagnostics[0].message).toContain('is larger than its padded input');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(['maxpool2d', 'avgpool2d'])('%s (stride defaults to the kernel)', (op) => {
    fc.assert(
      fc.property(
        fc.record({ C: fc.integer({ min: 1, max: 4 }), H: size, W: size }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        fc.integer({ min: 0, max: 5 }),
        ({ C, H, W }, k, s, p) => {
          const layer = `${op}: {kernel: ${k}${s === undefined ? '' : `, stride: ${s}`}, padding: ${p}}`;
          const r = checkNeverThrows(spec(layer, [C, H, W]));
          const stride = s ?? k;
          if (2 * p > k) {
            expect(r.diagnostics.map((d) => d.message)).toEqual([`${op} layers.0 padding ${p}×${p} is more than half its kernel ${k}×${k}`]);
          } else if (k > H + 2 * p || k > W + 2 * p) {
            expect(r.diagnostics.map((d) => d.code)).toEqual(['NS301']);
          } else {
            expect(r.model?.nodes[0].outShape).toEqual([C, out(H, k, stride, p, 1), out(W, k, stride, p, 1)]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- random mutations of the shipped specs ----

const shipped = readdirSync(join(ROOT, 'specs'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(ROOT, 'specs', f), 'utf8'));

type Path = (string | number)[];
function paths(v: unknown, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(v)) return here.concat(...v.map((x, i) => paths(x, [...at, i])));
  if (v !== null && typeof v === 'object') return here.concat(...Object.entries(v).map(([k, x]) => paths(x, [...at, k])));
  return here;
}

const randomValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, 1e300, -1e300, Infinity, NaN, '', 'relu', 'conv2d', '__proto__', 'constructor', true, null),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer({ min: -3, max: 1e9 }), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('name', 'units', 'kernel', 'layers', 'filters', 'x', 'lr'), fc.oneof(fc.integer({ min: -2, max: 1e8 }), fc.string({ maxLength: 4 })), { maxKeys: 3, noNullPrototype: true }),
);

/** A value mutation, as data so that fast-check prints a failing one readably. */
interface Mutation {
  pick: number;
  kind: 'delete' | 'replace' | 'toString' | 'negate' | 'huge' | 'duplicate' | 'rename';
  value: unknown;
  suffix: string;
}
const valueMutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'toString', 'negate', 'huge', 'duplicate', 'rename'),
  value: randomValue,
  suffix: fc.string({ maxLength: 6 }),
});

function mutate(doc: unknown, { pick, kind, value, suffix }: Mutation): unknown {
  const all = paths(doc).filter((p) => p.length > 0);
  if (all.length === 0) return value;
  const path = all[pick % all.length];
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], doc);
  const key = path[path.length - 1] as any;
  const old = parent[key];
  switch (kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key, 1);
      else delete parent[key];
      break;
    case 'replace':
      parent[key] = value;
      break;
    case 'toString':
      parent[key] = old !== null && typeof old === 'object' ? JSON.stringify(old) : String(old);
      break;
    case 'negate':
      parent[key] = typeof old === 'number' ? -old : value;
      break;
    case 'huge':
      parent[key] = typeof old === 'number' ? old * 1e9 + 1 : value;
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(key, 0, structuredClone(old));
      else parent[`${String(key)}${suffix}`] = structuredClone(old);
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        delete parent[key];
        parent[`${String(key)}${suffix || 's'}`] = old;
      }
      break;
  }
  return doc;
}

const snippet = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom(':', ': ', '- ', '{', '}', '[', ']', ',', '&a ', '*a', '!foo ', '!!python/object:os.system ', '\t', '\n---\n', '? ', '"', "'", '#', '|\n', '>', '\n  ', '\n', '<<: *a', '~', '%YAML 1.1\n', '@', '99999999999999999999', '-1', '0', '1e400', '\u0000', '\uFEFF', '\r\n'),
);
const textMutation = fc.oneof(
  fc.tuple(fc.nat(), snippet).map(([at, s]) => (t: string) => t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1))),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 30 })).map(([at, n]) => (t: string) => t.slice(0, at % (t.length + 1)) + t.slice((at % (t.length + 1)) + n)),
  fc.nat().map((at) => (t: string) => {
    const lines = t.split('\n');
    const i = at % lines.length;
    return [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n');
  }),
);

describe('no random mutation of a shipped spec crashes the checker', () => {
  it('value mutations (delete, replace, retype, negate, enlarge, duplicate, rename), written back as block or flow YAML', () => {
    fc.assert(
      fc.property(fc.constantFrom(...shipped), fc.array(valueMutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (text, mutations, flow) => {
        let doc: unknown = parse(text);
        for (const m of mutations) doc = mutate(doc, m);
        checkNeverThrows(stringify(doc, flow ? { collectionStyle: 'flow' } : undefined));
      }),
      { numRuns: FUZZ || 400 },
    );
  });

  it('text mutations (random YAML text inserted, slices deleted, lines duplicated)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...shipped), fc.array(textMutation, { minLength: 1, maxLength: 4 }), (text, mutations) => {
        checkNeverThrows(mutations.reduce((t, m) => m(t), text));
      }),
      { numRuns: FUZZ || 600 },
    );
  });

  it('the unmutated shipped specs check clean', () => {
    for (const text of shipped) expect(checkNeverThrows(text).model).toBeDefined();
  });
});
