import { describe, expect, it } from 'vitest';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

describe('softmax', () => {
  it.each([
    [[2], [0, Math.log(2)], [1 / 3, 2 / 3]],
    [[3], [0, 0, 0], [1 / 3, 1 / 3, 1 / 3]],
    // stable: the row maximum is subtracted first
    [[2], [1000, 1000], [0.5, 0.5]],
    [[2], [-1000, 0], [0, 1]],
    [[4], [-1000, -1000, -1000, -1000 + Math.log(3)], [1 / 6, 1 / 6, 1 / 6, 1 / 2]],
    // over the last axis only: each row on its own
    [[2, 3], [0, 0, 0, 0, Math.log(2), Math.log(3)], [1 / 3, 1 / 3, 1 / 3, 1 / 6, 2 / 6, 3 / 6]],
  ])('softmax over %j of %j', (shape, x, expected) => {
    const { model } = build(spec(shape, ['softmax']), { maxBatch: 1 });
    const y = model.forward(x, 1);
    expected.forEach((v, k) => expect(y[k]).toBeCloseTo(v, 12)); // ln 3 next to 1000 keeps ~13 digits
  });

  it('the gradient is y ⊙ (dY − ⟨dY, y⟩)', () => {
    const { model } = build(spec([2], ['softmax']), { maxBatch: 1 });
    model.computeGradients([0, Math.log(2)], [1, 0], 1); // y = [1/3, 2/3]: dY = y − t = [−2/3, 2/3]
    const dot = (-2 / 3) * (1 / 3) + (2 / 3) * (2 / 3);
    const g = model.inputGrad(1);
    expect(g[0]).toBeCloseTo((1 / 3) * (-2 / 3 - dot), 15);
    expect(g[1]).toBeCloseTo((2 / 3) * (2 / 3 - dot), 15);
  });

  it.each([
    ['a vector', [5], ['softmax']],
    ['rows of a [T, F] input', [3, 4], ['softmax']],
    ['after a dense layer', [4], ['dense: {units: 3}', 'softmax']],
    ['over lstm steps', [3, 2], ['lstm: {hidden: 3, output: sequence}', 'softmax']],
  ])('gradients match finite differences: %s', (_, shape, layers) => {
    expectGradients(spec(shape as number[], layers as string[]), { batch: 2, input: (rng, k) => uniform(rng, k, -2, 2) });
  });

  it('gradients match under cross_entropy', () => {
    expectGradients(spec([4], ['dense: {units: 3}', 'softmax'], 'cross_entropy'), { batch: 3 });
  });
});
