// netspec init and run: seeded weights, batched inference through files, and every bad input
// answered by one clear message, exit code 1 and no output file.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel, instantiate } from '../../compiler/build.js';
import { checkSource } from '../../compiler/pipeline.js';
import { readNpy, writeNpy } from '../../runtime/npy.js';
import { readSafetensors, writeSafetensors } from '../../runtime/safetensors.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'netspec-run-'));
const p = (name: string) => join(dir, name);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const RNN = 'specs/rnn.yaml';
const N = 70; // more than one batch of 64

beforeAll(() => {
  const x = new Float32Array(N * 16 * 10).map((_, i) => Math.sin(i * 0.37));
  writeFileSync(p('x.npy'), writeNpy(x, [N, 16, 10]));
  writeFileSync(p('x-bad-shape.npy'), writeNpy(x.subarray(0, N * 160), [N, 160]));
  writeFileSync(p('x-int.npy'), writeNpy(new Int32Array(N * 160), [N, 16, 10]));
});

describe('netspec init', () => {
  it('writes every parameter, reproducibly from the seed', async () => {
    expect((await run(['init', RNN, '--seed', '7', '--out', p('a.safetensors')])).code).toBe(0);
    expect((await run(['init', RNN, '--seed', '7', '--out', p('b.safetensors')])).code).toBe(0);
    expect((await run(['init', RNN, '--seed', '8', '--out', p('c.safetensors')])).code).toBe(0);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => readFileSync(p(`${n}.safetensors`)));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    const t = readSafetensors(a);
    expect([...t.keys()].sort()).toEqual([
      'fc.bias', 'fc.weight',
      'lstm.bias_hh_l0', 'lstm.bias_hh_l1', 'lstm.bias_ih_l0', 'lstm.bias_ih_l1',
      'lstm.weight_hh_l0', 'lstm.weight_hh_l1', 'lstm.weight_ih_l0', 'lstm.weight_ih_l1',
    ]);
    expect(t.get('lstm.weight_ih_l0')!.shape).toEqual([32, 10]);
    // PyTorch's LSTM init: U(-1/sqrt(H), 1/sqrt(H)), H = 8
    const w = t.get('lstm.weight_hh_l1')!.data as Float32Array;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
  });
});

describe('netspec run', () => {
  it('batches any N and matches the model API', async () => {
    const r = await run(['run', RNN, '--weights', p('a.safetensors'), '--input', p('x.npy'), '--out', p('y.npy')]);
    expect(r.code, r.err).toBe(0);
    const y = readNpy(readFileSync(p('y.npy')));
    expect(y.shape).toEqual([N, 2]);
    const spec = checkSource(RNN, readFileSync(RNN, 'utf8')).model!;
    const m = instantiate(compileModel(spec), { maxBatch: N });
    m.loadWeights(readFileSync(p('a.safetensors')));
    const x = readNpy(readFileSync(p('x.npy'))).data as Float32Array;
    const want = m.forward(x, N);
    const got = y.data as Float32Array;
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
  });

  const bad: [string, () => string[], RegExp][] = [
    ['a weights file missing a tensor', () => {
      const t = readSafetensors(readFileSync(p('a.safetensors')));
      writeFileSync(p('missing.safetensors'), writeSafetensors([...t].filter(([n]) => n !== 'fc.bias').map(([name, v]) => ({ name, shape: v.shape, data: v.data as Float32Array }))));
      return ['--weights', p('missing.safetensors')];
    }, /missing tensor 'fc\.bias'/],
    ['a weights file with an extra tensor', () => {
      const t = readSafetensors(readFileSync(p('a.safetensors')));
      const list = [...t].map(([name, v]) => ({ name, shape: v.shape, data: v.data as Float32Array }));
      writeFileSync(p('extra.safetensors'), writeSafetensors([...list, { name: 'fc2.weight', shape: [1], data: new Float32Array(1) }]));
      return ['--weights', p('extra.safetensors')];
    }, /fc2\.weight/],
    ['a wrong-shaped tensor (both shapes named)', () => {
      const t = readSafetensors(readFileSync(p('a.safetensors')));
      const list = [...t].map(([name, v]) => (name === 'fc.weight' ? { name, shape: [8, 2], data: v.data as Float32Array } : { name, shape: v.shape, data: v.data as Float32Array }));
      writeFileSync(p('shape.safetensors'), writeSafetensors(list));
      return ['--weights', p('shape.safetensors')];
    }, /fc\.weight: file has \[8,2\], model needs \[2,8\]/],
    ['a truncated weights file', () => {
      const bytes = readFileSync(p('a.safetensors'));
      writeFileSync(p('trunc.safetensors'), bytes.subarray(0, bytes.length - 100));
      return ['--weights', p('trunc.safetensors')];
    }, /truncated/],
    ['a weights path that does not exist', () => ['--weights', p('nope.safetensors')], /no such file/],
    ['an input of the wrong shape', () => ['--weights', p('a.safetensors'), '--input', p('x-bad-shape.npy')], /expected an array shaped \[N, 16, 10\], got \[70, 160\]/],
    ['an input of the wrong dtype', () => ['--weights', p('a.safetensors'), '--input', p('x-int.npy')], /i4|int32|float/],
  ];

  it.each(bad)('%s: one clear message, exit 1, nothing written', async (_name, make, message) => {
    const args = make();
    const out = p(`out-${Math.random().toString(36).slice(2)}.npy`);
    const full = ['run', RNN, '--weights', p('a.safetensors'), '--input', p('x.npy'), '--out', out];
    for (let i = 0; i < args.length; i += 2) full[full.indexOf(args[i]) + 1] = args[i + 1];
    const r = await run(full);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it('usage mistakes exit 2', async () => {
    expect((await run(['run', RNN, '--weights', p('a.safetensors'), '--input', p('x.npy')])).code).toBe(2);
    expect((await run(['run', RNN, '--weights', p('a.safetensors'), '--input', p('x.npy'), '--out', p('z.npy'), '--batch', '0'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('a batch over maxBatch is refused by the model API with a clear message', () => {
    const spec = checkSource(RNN, readFileSync(RNN, 'utf8')).model!;
    const m = instantiate(compileModel(spec), { maxBatch: 4 });
    expect(() => m.forward(new Float32Array(5 * 160), 5)).toThrow(/batch size 5 is outside 1\.\.4/);
    expect(() => m.forward(new Float32Array(3 * 160), 4)).toThrow(/expected 4×\[16,10\] = 640 values, got 480/);
  });
});
