// netspec export and netspec import from the command line: exit codes 0/1/2, messages without
// stack traces, nothing written on failure, --check.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parametersOf } from '../../compiler/passes/shapes.js';
import { writeSafetensors } from '../../runtime/safetensors.js';
import { EXTRA_SPECS, FIXTURES, loadSpec, seededWeights } from './helpers.js';
import { runCli } from '../cli/run-cli.js';

let dir: string;
const spec = EXTRA_SPECS.find((p) => p.endsWith('/lstm-stacked-sequence.yaml'))!;
const other = EXTRA_SPECS.find((p) => p.endsWith('/dropout-first.yaml'))!;

function weightsFile(path: string, name: string): string {
  const model = loadSpec(path);
  const w = seededWeights(model, 3);
  const file = join(dir, name);
  writeFileSync(file, writeSafetensors(parametersOf(model).map((p) => ({ name: p.name, shape: p.shape, data: w.get(p.name)! }))));
  return file;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netspec-onnx-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('netspec export', () => {
  it('writes the model after --check passes, and import --check reads it back', async () => {
    const w = weightsFile(spec, 'w.safetensors');
    const out = join(dir, 'm.onnx');
    const r = await run('export', spec, '--weights', w, '--out', out, '--check');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^check: ONNX Runtime matches netspec: batch 1: max relative difference \S+ \(absolute \S+\); batch 7: /);
    expect(r.out).toContain(`${out}: ONNX opset 17, 4 layers, 668 parameters`);
    const back = await run('import', out, '--out', join(dir, 'back.yaml'), '--weights', join(dir, 'back.safetensors'), '--check');
    expect(back.code).toBe(0);
    expect(back.out).toContain('check: netspec matches ONNX Runtime: batch 1');
    expect(readFileSync(join(dir, 'back.yaml'), 'utf8')).toContain('  - lstm: {name: enc, hidden: 6, layers: 2, output: sequence, bias: false}\n  - softmax\n  - lstm: {name: dec, hidden: 3}\n');
    const again = await run('export', join(dir, 'back.yaml'), '--weights', join(dir, 'back.safetensors'), '--out', join(dir, 'again.onnx'));
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'again.onnx')).equals(readFileSync(out))).toBe(true);
  });

  it('exits 1 with one message and writes nothing when the weights do not fit', async () => {
    const out = join(dir, 'bad.onnx');
    const r = await run('export', spec, '--weights', weightsFile(other, 'other.safetensors'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^netspec: error: .*other\.safetensors: weights do not match the model \(\d+ problems\):\n  missing tensor 'enc\.weight_ih_l0' \(model needs \[24,4\]\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 for a missing weights file and 2 for a missing option', async () => {
    const missing = await run('export', spec, '--weights', join(dir, 'nope.safetensors'), '--out', join(dir, 'x.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("cannot read weights '");
    expect((await run('export', spec, '--out', join(dir, 'x.onnx'))).code).toBe(2);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });
});

describe('netspec import', () => {
  it('imports a PyTorch export and notes the layer it filled in', async () => {
    const r = await run('import', join(FIXTURES, 'conv_opset17.onnx'), '--out', join(dir, 'conv.yaml'), '--weights', join(dir, 'conv.safetensors'));
    expect(r.code).toBe(0);
    expect(r.err).toBe('netspec: note: features.2 has no node in the graph (a dropout or identity at inference): imported as dropout p=0.5\n');
    expect(r.out).toBe(`${join(dir, 'conv.yaml')}: 11 layers; ${join(dir, 'conv.safetensors')}: 5 tensors\n`);
    expect((await run('check', join(dir, 'conv.yaml'))).code).toBe(0);
  });

  it('exits 1 and writes neither file for a graph it cannot import', async () => {
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, 'not a model');
    const r = await run('import', bad, '--out', join(dir, 'bad.yaml'), '--weights', join(dir, 'bad.safetensors'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^netspec: error: .*bad\.onnx: not an ONNX model/);
    expect(existsSync(join(dir, 'bad.yaml')) || existsSync(join(dir, 'bad.safetensors'))).toBe(false);
    expect((await run('import', bad, '--out', join(dir, 'bad.yaml'))).code).toBe(2);
  });
});
