import { describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

/** A model whose output is its input: dense with W = I and no bias, so the loss sees the logits we give. */
function identity(classes: number, maxBatch: number) {
  const { model } = build(spec([classes], [`dense: {units: ${classes}, bias: false}`], 'cross_entropy'), { maxBatch });
  const w = model.param('layers.0.weight');
  w.fill(0);
  for (let k = 0; k < classes; k++) w[k * classes + k] = 1;
  return model;
}

describe('cross_entropy', () => {
  it.each([
    ['softmax [1/4, 1/2, 1/4], class 1', [0, Math.log(2), 0], [1], Math.log(2)],
    ['uniform logits, class 2', [0, 0, 0], [2], Math.log(3)],
    ['a confident right answer', [1000, 0, 0], [0], 0],
    ['a confident wrong answer (no overflow)', [1000, 0, 0], [1], 1000],
    ['mean over the batch', [0, Math.log(2), 0, 1000, 0, 0, 0, 0, 0], [1, 1, 2], (Math.log(2) + 1000 + Math.log(3)) / 3],
  ])('loss: %s', (_, logits, classes, expected) => {
    const model = identity(3, 3);
    expect(model.computeGradients(logits, classes, classes.length)).toBeCloseTo(expected, 12);
  });

  it('dL/dlogits = (softmax − onehot)/n', () => {
    const model = identity(3, 2);
    model.computeGradients([0, Math.log(2), 0, 0, 0, 0], [1, 0], 2);
    const want = [1 / 4, 1 / 2 - 1, 1 / 4, 1 / 3 - 1, 1 / 3, 1 / 3].map((v) => v / 2);
    const g = model.inputGrad(2);
    want.forEach((v, k) => expect(g[k]).toBeCloseTo(v, 15));
  });

  it('rejects class indices outside 0..classes−1 and non-integers', () => {
    const model = identity(3, 1);
    expect(() => model.computeGradients([0, 0, 0], [3], 1)).toThrow(NetspecError);
    expect(() => model.computeGradients([0, 0, 0], [-1], 1)).toThrow(/class -1, outside 0\.\.2/);
    expect(() => model.computeGradients([0, 0, 0], [0.5], 1)).toThrow(NetspecError);
  });

  it.each([
    ['logits of order 1', 2],
    ['logits of order 10', 10],
  ])('gradients match finite differences: %s', (_, scale) => {
    expectGradients(spec([4], ['dense: {units: 5}'], 'cross_entropy'), { batch: 4, input: (rng, k) => uniform(rng, k, -scale, scale) });
  });

  it('gradients match with two classes', () => {
    expectGradients(spec([3], ['dense: {units: 2}'], 'cross_entropy'), { batch: 3 });
  });
});
