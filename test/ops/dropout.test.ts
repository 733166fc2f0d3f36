import { describe, expect, it } from 'vitest';
import { createRng } from '../../runtime/rng.js';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

describe('dropout forward', () => {
  it('is the identity in forward (inference)', () => {
    const { model } = build(spec([2, 3], ['dropout: {p: 0.5}']), { maxBatch: 2 });
    const x = uniform(createRng(1), 12);
    expect(Array.from(model.forward(x, 2))).toEqual(Array.from(x));
  });

  it.each([0.25, 0.5, 0.9])('training zeroes elements with probability p = %d and scales the rest by 1/(1−p)', (p) => {
    // mse against 0 with x = 1: y = m, so dL/dx = m·dY = 2m²/N, and the loss is Σ m²/N
    const N = 2000;
    const { model } = build(spec([N], [`dropout: {p: ${p}}`]), { maxBatch: 1 });
    const keep = 1 / (1 - p);
    const loss = model.computeGradients(new Float64Array(N).fill(1), new Float64Array(N), 1);
    const m2 = Array.from(model.inputGrad(1), (g) => (g * N) / 2);
    let kept = 0;
    for (const v of m2) {
      if (v === 0) continue;
      expect(v).toBeCloseTo(keep * keep, 10);
      kept++;
    }
    expect(loss).toBeCloseTo((kept * keep * keep) / N, 10);
    // the kept fraction is 1 − p within 4 standard deviations
    expect(Math.abs(kept / N - (1 - p))).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });

  it('p = 0 keeps everything unscaled', () => {
    const { model } = build(spec([5], ['dropout: {p: 0}']), { maxBatch: 1 });
    model.computeGradients([1, 2, 3, 4, 5], [0, 0, 0, 0, 0], 1);
    const g = model.inputGrad(1);
    [1, 2, 3, 4, 5].forEach((v, k) => expect(g[k]).toBeCloseTo((2 * v) / 5, 15));
  });

  it('the mask is fixed by the generator state, and fresh on every training step', () => {
    const { model } = build(spec([64], ['dropout: {p: 0.5}']), { maxBatch: 2 });
    const x = uniform(createRng(2), 128);
    const t = uniform(createRng(3), 128);
    const state = model.rngState();
    const first = model.computeGradients(x, t, 2);
    const g1 = Array.from(model.inputGrad(2));
    const second = model.computeGradients(x, t, 2); // the generator moved on: another mask
    expect(second).not.toBe(first);
    expect(Array.from(model.inputGrad(2))).not.toEqual(g1);
    model.setRngState(state);
    expect(model.computeGradients(x, t, 2)).toBe(first);
    expect(Array.from(model.inputGrad(2))).toEqual(g1);
  });
});

describe('dropout gradients under a fixed mask (float64 finite differences)', () => {
  it.each([
    ['as the first layer', [6], ['dropout: {p: 0.5}', 'dense: {units: 3}']],
    ['between dense layers', [5], ['dense: {units: 6}', 'dropout: {p: 0.3}', 'tanh', 'dense: {units: 2}']],
    ['after a convolution, under cross_entropy', [1, 4, 4], ['conv2d: {filters: 2, kernel: 3}', 'dropout: {p: 0.5}', 'flatten', 'dense: {units: 3}'], 'cross_entropy'],
    ['the last layer', [4], ['dense: {units: 5}', 'dropout: {p: 0.4}']],
  ])('%s', (_, shape, layers, loss = 'mse') => {
    expectGradients(spec(shape as number[], layers as string[], loss as string), { batch: 3 });
  });
});
