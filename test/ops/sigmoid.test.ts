import { describe, expect, it } from 'vitest';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

describe('sigmoid', () => {
  it('forward: 1/(1 + e^−x), saturating without NaN', () => {
    const { model } = build(spec([6], ['sigmoid']), { maxBatch: 1 });
    const y = model.forward([0, Math.log(3), -Math.log(3), 2, -1000, 1000], 1);
    [0.5, 0.75, 0.25, 1 / (1 + Math.exp(-2)), 0, 1].forEach((v, k) => expect(y[k]).toBeCloseTo(v, 15));
  });

  it('the gradient is y(1 − y)·dY', () => {
    const { model } = build(spec([2], ['sigmoid']), { maxBatch: 1 });
    model.computeGradients([0, Math.log(3)], [0, 0], 1); // y = [1/2, 3/4]: dY = y
    const g = model.inputGrad(1);
    expect(g[0]).toBeCloseTo(0.5 * 0.25, 15);
    expect(g[1]).toBeCloseTo(0.75 * 0.75 * 0.25, 15);
  });

  it('gradients match finite differences, small and large inputs', () => {
    expectGradients(spec([2, 3], ['sigmoid']), { batch: 3, input: (rng, k) => uniform(rng, k, -4, 4) });
  });

  it('gradients match after a dense layer', () => {
    expectGradients(spec([4], ['dense: {units: 5}', 'sigmoid']), { batch: 3 });
  });
});
