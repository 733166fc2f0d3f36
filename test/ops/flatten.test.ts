import { describe, expect, it } from 'vitest';
import { build, expectGradients, spec } from './gradcheck.js';

describe('flatten', () => {
  it('forward keeps the row-major (C, H, W) order per sample', () => {
    const { compiled, model } = build(spec([2, 2, 2], ['flatten']), { maxBatch: 2 });
    expect(compiled.description.output.shape).toEqual([8]);
    const x = Array.from({ length: 16 }, (_, k) => k);
    expect(Array.from(model.forward(x, 2))).toEqual(x);
  });

  it('before dense: the dense weight reads the flattened order', () => {
    const { model } = build(spec([1, 2, 2], ['flatten', 'dense: {units: 1, bias: false}']), { maxBatch: 1 });
    model.param('layers.1.weight').set([1, 10, 100, 1000]);
    expect(Array.from(model.forward([1, 2, 3, 4], 1))).toEqual([4321]);
  });

  it.each([
    ['between a convolution and a dense layer', [2, 4, 4], ['conv2d: {filters: 2, kernel: 3}', 'flatten', 'dense: {units: 3}']],
    ['as the first layer (its input gradient is its output gradient)', [2, 3], ['flatten', 'dense: {units: 2}']],
    ['as the only layer (the loss gradient is the input gradient)', [2, 3], ['flatten']],
    ['after an lstm sequence', [3, 2], ['lstm: {hidden: 2, output: sequence}', 'flatten', 'dense: {units: 2}']],
  ])('gradients match finite differences: %s', (_, shape, layers) => {
    expectGradients(spec(shape as number[], layers as string[]), { batch: 2 });
  });
});
