import { describe, expect, it } from 'vitest';
import { build, expectGradients, spec } from './gradcheck.js';

describe('dense', () => {
  it('forward: y = x·Wᵀ + b, W stored [out, in]', () => {
    const { model } = build(spec([2], ['dense: {units: 3}']), { maxBatch: 2 });
    model.param('layers.0.weight').set([1, 2, 3, 4, -1, 0.5]); // rows: [1,2], [3,4], [-1,0.5]
    model.param('layers.0.bias').set([0.5, -1, 0]);
    const y = Array.from(model.forward([1, -1, 2, 4], 2));
    // sample 0: [1-2+0.5, 3-4-1, -1-0.5]; sample 1: [2+8+0.5, 6+16-1, -2+2]
    expect(y).toEqual([-0.5, -2, -1.5, 10.5, 21, 0]);
  });

  it('forward without bias has no bias parameter', () => {
    const { model } = build(spec([2], ['dense: {units: 1, bias: false}']), { maxBatch: 1 });
    expect(model.info.params.map((p) => p.name)).toEqual(['layers.0.weight']);
    model.param('layers.0.weight').set([2, -3]);
    expect(Array.from(model.forward([0.5, 1], 1))).toEqual([-2]);
  });

  it.each([
    ['with bias', 'dense: {units: 3}'],
    ['without bias', 'dense: {units: 3, bias: false}'],
    ['one unit', 'dense: {units: 1}'],
  ])('gradients match finite differences (%s, mse)', (_, layer) => {
    expectGradients(spec([4], [layer]), { batch: 3 });
  });

  it('gradients of a stack under cross_entropy', () => {
    expectGradients(spec([5], ['dense: {units: 4, bias: false}', 'tanh', 'dense: {units: 3}'], 'cross_entropy'), { batch: 3 });
  });
});
