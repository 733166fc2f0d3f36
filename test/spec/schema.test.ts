// The published JSON Schema: the committed netspec.schema.json is exactly what
// `netspec schema` prints, and it accepts the valid specs and refuses invalid ones on its
// own (a fresh ajv over the whole schema, as an editor's language server would use it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../compiler/cli.js';
import { buildSchema } from '../../compiler/schema/build.js';

const ROOT = join(import.meta.dirname, '..', '..');
const committed = readFileSync(join(ROOT, 'netspec.schema.json'), 'utf8');

async function schemaCommandOutput(): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const code = await main(['schema']);
  vi.restoreAllMocks();
  return { code, out };
}

function fullSchemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  return ajv.compile(JSON.parse(committed));
}

const validSpecs = [
  ...readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.yaml')).map((f) => `specs/${f}`),
  ...readdirSync(join(ROOT, 'test/spec/valid')).filter((f) => f.endsWith('.yaml')).map((f) => `test/spec/valid/${f}`),
];

describe('netspec.schema.json', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is buildSchema() as `netspec schema` prints it (regenerate with: netspec schema > netspec.schema.json)', async () => {
    expect(committed).toBe(JSON.stringify(buildSchema(), null, 2) + '\n');
    const { code, out } = await schemaCommandOutput();
    expect(code).toBe(0);
    expect(out).toBe(committed);
  });

  it('compiles in a fresh ajv in strict mode', () => {
    expect(() => fullSchemaValidator()).not.toThrow();
  });

  it.each(validSpecs)('accepts %s', (rel) => {
    const validate = fullSchemaValidator();
    const ok = validate(parse(readFileSync(join(ROOT, rel), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each([
    ['an unknown op', 'layers: [{conv3d: {filters: 1, kernel: 1}}]'],
    ['an unknown attribute', 'layers: [{dense: {units: 2, bais: true}}]'],
    ['a missing required attribute', 'layers: [{dense: {bias: true}}]'],
    ['a bare op that needs attributes', 'layers: [dense]'],
    ['a wrong type', 'layers: [{dense: {units: two}}]'],
    ['an out-of-range value', 'layers: [{dropout: {p: 1}}]'],
    ['a size list of three', 'layers: [{maxpool2d: {kernel: [2, 2, 2]}}]'],
    ['a layer map with two keys', 'layers: [{conv2d: null, filters: 3}]'],
    ['a nested block without a name', 'layers: [{block: {layers: [relu]}}]'],
    ['an unknown loss', 'layers: [relu]\nloss: nll'],
    ['an sgd without lr', 'layers: [relu]\noptimizer: {sgd: {momentum: 0.9}}'],
    ['a wrong version', 'layers: [relu]\nnetspec: 2'],
  ])('refuses %s', (_what, rest) => {
    const text = `name: t\ninput: {shape: [4]}\n${rest}\n`;
    const value = parse(text.includes('netspec:') ? text : `netspec: 1\n${text}`);
    expect(fullSchemaValidator()(value)).toBe(false);
  });

  it('documents every op attribute with a description, for editor hovers', () => {
    const defs = buildSchema().definitions as Record<string, { properties?: Record<string, { description?: string; $ref?: string }> }>;
    for (const [name, def] of Object.entries(defs)) {
      for (const [attr, s] of Object.entries(def.properties ?? {})) {
        if (!s.$ref) expect(s.description, `${name}.${attr}`).toBeTruthy();
      }
    }
  });
});
