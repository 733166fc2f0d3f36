// Every op together: deeper stacks in which buffers share arena memory, ops feed each other's
// gradients, and (with maxBatch above the batch) kernels must only touch the n samples given.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../runtime/rng.js';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

const MODELS: [string, number[], string[], string][] = [
    ['a small cnn', [2, 8, 8], [
      'conv2d: {name: conv1, filters: 3, kernel: 3, padding: 1}', 'relu', 'maxpool2d: {kernel: 2}',
      'conv2d: {name: conv2, filters: 2, kernel: 3, padding: 1, stride: 2}', 'tanh', 'avgpool2d: {kernel: 2, padding: 1}',
      'flatten', 'dropout: {p: 0.25}', 'dense: {name: fc1, units: 5}', 'sigmoid', 'dense: {name: fc2, units: 3}',
    ], 'cross_entropy'],
    ['an rnn', [4, 3], [
      'lstm: {hidden: 3, layers: 2, output: sequence}', 'dropout: {p: 0.3}', 'softmax', 'lstm: {hidden: 2}', 'dense: {units: 3}',
    ], 'cross_entropy'],
    ['an autoencoder of blocks', [6], [
      'block: {name: encoder, layers: [{dense: {units: 4}}, relu, {dense: {units: 2}}, tanh]}',
      'block: {name: decoder, layers: [{dense: {units: 4}}, relu, {dense: {units: 6}}, sigmoid]}',
    ], 'mse'],
];

describe('gradients of whole models (float64 finite differences)', () => {
  it.each(MODELS)('%s', (_, shape, layers, loss) => {
    expectGradients(spec(shape, layers, loss), { batch: 2, maxBatch: 5, maxPerTensor: 40 });
  });
});

describe('the float32 arena (what users run) agrees with the float64 one', () => {
  /** max |a − b| / max |b| over a tensor. */
  const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let err = 0;
    let scale = 0;
    for (let k = 0; k < b.length; k++) {
      err = Math.max(err, Math.abs(a[k] - b[k]));
      scale = Math.max(scale, Math.abs(b[k]));
    }
    return scale === 0 ? err : err / scale;
  };

  it.each(MODELS)('%s: output, loss, gradients', (_, shape, layers, loss) => {
    const yaml = spec(shape, layers, loss);
    const m64 = build(yaml, { maxBatch: 3, seed: 4 });
    const m32 = build(yaml, { maxBatch: 3, seed: 4, float64: false });
    const n = 3;
    const x = uniform(createRng(8), n * shape.reduce((a, b) => a * b, 1));
    const t = m64.compiled.description.target!;
    const y = t.classes !== undefined ? [0, 2, 1] : uniform(createRng(9), n * t.shape.reduce((a, b) => a * b, 1));
    expect(relErr(m32.model.forward(x, n), m64.model.forward(x, n))).toBeLessThan(1e-5);
    const state = m64.model.rngState(); // the same dropout mask in both
    m32.model.setRngState(state);
    const l64 = m64.model.computeGradients(x, y, n);
    expect(Math.abs(m32.model.computeGradients(x, y, n) - l64) / l64).toBeLessThan(1e-5);
    for (const p of m64.model.info.params) expect(relErr(m32.model.grad(p.name), m64.model.grad(p.name)), p.name).toBeLessThan(1e-4);
    expect(relErr(m32.model.inputGrad(n), m64.model.inputGrad(n))).toBeLessThan(1e-4);
  });
});
