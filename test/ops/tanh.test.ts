import { describe, expect, it } from 'vitest';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

describe('tanh', () => {
  it('forward: tanh(ln 2) = 3/5, saturating without NaN', () => {
    const { model } = build(spec([5], ['tanh']), { maxBatch: 1 });
    const y = model.forward([0, Math.log(2), -Math.log(2), 1000, -1000], 1);
    [0, 0.6, -0.6, 1, -1].forEach((v, k) => expect(y[k]).toBeCloseTo(v, 15));
  });

  it('the gradient is (1 − y²)·dY', () => {
    const { model } = build(spec([1], ['tanh']), { maxBatch: 1 });
    model.computeGradients([Math.log(2)], [0], 1); // y = 0.6: dY = 1.2
    expect(model.inputGrad(1)[0]).toBeCloseTo(1.2 * (1 - 0.36), 15);
  });

  it('gradients match finite differences, small and large inputs', () => {
    expectGradients(spec([2, 3], ['tanh']), { batch: 3, input: (rng, k) => uniform(rng, k, -3, 3) });
  });

  it('gradients match after a dense layer', () => {
    expectGradients(spec([4], ['dense: {units: 5}', 'tanh', 'dense: {units: 2}']), { batch: 3 });
  });
});
