// PyTorch parity of the TypeScript target: the fixtures in test/reference/<net>/ were made by
// make_fixtures.py with PyTorch 1.13 (batch 4, fixed seed). Output and loss within 1e-5
// relative, gradients within 1e-4 relative, weights after 3 optimizer steps within 1e-4 of
// the distance PyTorch moved them.
//
// The 3-step weights are also compared with PyTorch's float64 run of the same steps
// (after3_f64): PyTorch's own float32 run lands 1.1e-3 away from it on the autoencoder in
// this metric (expected.json: torch_f32_vs_f64_after3), because pre-activations that cancel
// to ~1e-6 make Adam's first steps depend on summation order. So for a network where two
// float32 implementations cannot agree to 1e-4, we assert the stronger things that can hold:
// a float64 build of our kernels matches PyTorch's float64 run, and our float32 build is no
// further from the exact result than PyTorch's float32 build is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileModel, instantiate } from '../../compiler/build.js';
import { checkSource } from '../../compiler/pipeline.js';
import { asClassIndices, asFloat32, readNpy } from '../../runtime/npy.js';
import { readSafetensors } from '../../runtime/safetensors.js';
import type { NetspecModel } from '../../runtime/model.js';

const NETS = ['cnn', 'rnn', 'autoencoder'] as const;
const B = 4;

function fixture(net: string) {
  const dir = new URL(`./${net}/`, import.meta.url);
  const read = (f: string) => readFileSync(new URL(f, dir));
  const yArr = readNpy(read('y.npy'), 'y.npy');
  return {
    init: read('init.safetensors'),
    x: asFloat32(readNpy(read('x.npy'), 'x.npy'), 'x.npy'),
    y: yArr.dtype === 'f4' ? asFloat32(yArr, 'y.npy') : asClassIndices(yArr, 'y.npy'),
    output: asFloat32(readNpy(read('output.npy'), 'output.npy'), 'output.npy'),
    grads: readSafetensors(read('grads.safetensors')),
    initWeights: readSafetensors(read('init.safetensors')),
    after3: readSafetensors(read('after3.safetensors')),
    after3f64: readSafetensors(read('after3_f64.safetensors')),
    expected: JSON.parse(read('expected.json').toString()) as { loss: number; losses3: number[]; torch_f32_vs_f64_after3: number },
  };
}

function model(net: string, float64 = false): NetspecModel {
  const path = `specs/${net}.yaml`;
  const r = checkSource(path, readFileSync(path, 'utf8'));
  if (!r.model) throw new Error(`${path} does not check`);
  return instantiate(compileModel(r.model), { maxBatch: B, seed: 1, float64 });
}

/** max |a − b| / max |b|: error relative to the tensor's scale. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

const batch = (arr: Float32Array | Int32Array, k: number) => arr.subarray((k * B * arr.length) / 12, ((k + 1) * B * arr.length) / 12);

describe.each(NETS)('%s matches PyTorch', (net) => {
  const f = fixture(net);

  it('forward output and loss (1e-5 relative), every gradient (1e-4 relative)', () => {
    const m = model(net);
    m.loadWeights(f.init, 'init.safetensors');
    const outErr = relErr(m.forward(batch(f.x, 0), B), f.output);
    const loss = m.computeGradients(batch(f.x, 0), batch(f.y, 0), B);
    const lossErr = Math.abs(loss - f.expected.loss) / Math.abs(f.expected.loss);
    let gradErr = 0;
    let worst = '';
    expect([...f.grads.keys()].sort()).toEqual(m.info.params.map((p) => p.name).sort());
    for (const [name, t] of f.grads) {
      const e = relErr(m.grad(name), t.data as Float32Array);
      if (e >= gradErr) [gradErr, worst] = [e, name];
    }
    console.log(`${net}: output ${outErr.toExponential(2)}, loss ${lossErr.toExponential(2)}, worst gradient ${worst} ${gradErr.toExponential(2)}`);
    expect(outErr).toBeLessThan(1e-5);
    expect(lossErr).toBeLessThan(1e-5);
    expect(gradErr).toBeLessThan(1e-4);
  });

  /** max|ours − ref| / max|ref − init| over every parameter. */
  const moveMetric = (m: NetspecModel, ref: typeof f.after3) => {
    let diff = 0;
    let moved = 0;
    for (const [name, t] of ref) {
      const theirs = t.data as Float32Array;
      const init = f.initWeights.get(name)!.data as Float32Array;
      const ours = m.param(name);
      for (let i = 0; i < theirs.length; i++) {
        diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
        moved = Math.max(moved, Math.abs(theirs[i] - init[i]));
      }
    }
    expect(moved).toBeGreaterThan(0);
    return diff / moved;
  };
  const threeSteps = (m: NetspecModel) => {
    m.loadWeights(f.init, 'init.safetensors');
    return [0, 1, 2].map((k) => m.trainStep(batch(f.x, k), batch(f.y, k), B));
  };

  it('weights after 3 optimizer steps within 1e-4 of the distance PyTorch moved them', () => {
    const m = model(net);
    const losses = threeSteps(m);
    losses.forEach((l, k) => expect(Math.abs(l - f.expected.losses3[k]) / f.expected.losses3[k]).toBeLessThan(1e-5));
    const vsF32 = moveMetric(m, f.after3);
    const vsExact = moveMetric(m, f.after3f64);
    const floor = f.expected.torch_f32_vs_f64_after3;
    console.log(`${net}: after 3 steps, max|ours − torch| / max|torch − init| = ${vsF32.toExponential(2)} vs torch float32, ` +
      `${vsExact.toExponential(2)} vs torch float64 (torch float32 vs float64: ${floor.toExponential(2)})`);
    expect(vsExact).toBeLessThan(Math.max(1e-4, floor));
    if (floor < 1e-4) expect(vsF32).toBeLessThan(1e-4);
  });

  it('a float64 build after 3 steps matches PyTorch float64 (1e-5, the rounding of the stored reference)', () => {
    const m = model(net, true);
    threeSteps(m);
    const vsExact = moveMetric(m, f.after3f64);
    console.log(`${net}: float64 build after 3 steps vs torch float64: ${vsExact.toExponential(2)}`);
    expect(vsExact).toBeLessThan(1e-5);
  });
});
