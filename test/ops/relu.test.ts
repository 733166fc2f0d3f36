import { describe, expect, it } from 'vitest';
import { build, expectGradients, spec } from './gradcheck.js';

/** Values with |v| in [0.1, 1]: no finite-difference step crosses the kink at 0. */
const awayFromZero = (rng: { uniform(): number }, k: number) =>
  Float64Array.from({ length: k }, () => (rng.uniform() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rng.uniform()));

describe('relu', () => {
  it('forward: max(x, 0)', () => {
    const { model } = build(spec([6], ['relu']), { maxBatch: 1 });
    expect(Array.from(model.forward([-2, -0.5, 0, 0.5, 3, -0], 1))).toEqual([0, 0, 0, 0.5, 3, 0]);
  });

  it('the gradient at 0 is 0 (as PyTorch), 1 above', () => {
    const { model } = build(spec([3], ['relu']), { maxBatch: 1 });
    model.computeGradients([-1, 0, 2], [1, 1, 1], 1); // y = [0, 0, 2]: dY = 2(y − 1)/3
    expect(Array.from(model.inputGrad(1), (v) => v + 0)).toEqual([0, 0, 2 / 3]); // + 0: −0 is 0
  });

  it('gradients match finite differences (inputs away from the kink)', () => {
    expectGradients(spec([2, 3], ['relu']), { batch: 3, input: awayFromZero });
  });

  it('gradients match between dense layers, under cross_entropy', () => {
    expectGradients(spec([5], ['dense: {units: 6}', 'relu', 'dense: {units: 3}'], 'cross_entropy'), { batch: 3 });
  });
});
