import { describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { build, expectGradients, spec } from './gradcheck.js';

/** Output = input: flatten of a flat input is a view, so the loss sees exactly the values given. */
const identity = (shape: number[], maxBatch: number) => build(spec(shape, ['flatten']), { maxBatch }).model;

describe('mse', () => {
  it.each([
    ['one sample', [2], [1, 2], [0, 4], 1, (1 + 4) / 2],
    ['mean over every element of the batch', [2], [1, 2, 3, 4], [1, 0, 0, 0], 2, (0 + 4 + 9 + 16) / 4],
    ['a perfect fit', [3], [0.5, -1, 2], [0.5, -1, 2], 1, 0],
  ])('loss: %s', (_, shape, y, t, n, expected) => {
    expect(identity(shape, 2).computeGradients(y, t, n)).toBeCloseTo(expected, 15);
  });

  it('dL/dy = 2(y − t)/(n·size)', () => {
    const model = identity([2], 2);
    model.computeGradients([1, 2, 3, 4], [1, 0, 0, 5], 2);
    expect(Array.from(model.inputGrad(2))).toEqual([0, 1, 1.5, -0.5]);
  });

  it('rejects targets of the wrong length', () => {
    expect(() => identity([2], 2).computeGradients([1, 2], [1, 2, 3], 1)).toThrow(NetspecError);
  });

  it.each([
    ['a flat output', [4], ['dense: {units: 3}']],
    ['a [C, H, W] output', [1, 4, 4], ['conv2d: {filters: 2, kernel: 3}']],
  ])('gradients match finite differences: %s', (_, shape, layers) => {
    expectGradients(spec(shape as number[], layers as string[]), { batch: 3 });
  });
});
