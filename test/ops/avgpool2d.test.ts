import { describe, expect, it } from 'vitest';
import { build, expectGradients, spec } from './gradcheck.js';

const pool = (shape: number[], attrs: string) => spec(shape, [`avgpool2d: {${attrs}}`]);
const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('avgpool2d forward', () => {
  it.each([
    ['4 windows', 'kernel: 2', [1, 4, 4], Array.from({ length: 16 }, (_, k) => k + 1), [3.5, 5.5, 11.5, 13.5]],
    // count_include_pad: each window holds one real 1 and three padding zeros, and divides by 4
    ['padding counted in the divisor', 'kernel: 2, padding: 1', [1, 2, 2], [1, 1, 1, 1], [0.25, 0.25, 0.25, 0.25]],
    ['padding 1, stride 1', 'kernel: 3, stride: 1, padding: 1', [1, 3, 3], nine, [12, 21, 16, 27, 45, 33, 24, 39, 28].map((v) => v / 9)],
    ['overlapping windows', 'kernel: 2, stride: 1', [1, 2, 3], [1, 2, 3, 4, 5, 6], [3, 4]],
    ['a stride that skips input', 'kernel: 1, stride: 2', [1, 3, 3], nine, [1, 3, 7, 9]],
    ['a rectangular kernel, two channels', 'kernel: [1, 2]', [2, 1, 4], [1, 2, 4, 3, -5, -6, -8, -7], [1.5, 3.5, -5.5, -7.5]],
  ])('%s: {%s} over %j', (_, attrs, shape, x, expected) => {
    const { model } = build(pool(shape as number[], attrs as string), { maxBatch: 1 });
    const y = model.forward(x as number[], 1);
    expect(y.length).toBe((expected as number[]).length);
    (expected as number[]).forEach((v, k) => expect(y[k]).toBeCloseTo(v, 14));
  });
});

describe('avgpool2d gradients', () => {
  it('padding: every tap of a window gets dY/(kh·kw), padding taps included in the count', () => {
    // 1×2×2, kernel 3, stride 1, padding 1: 4 windows, each covering the whole input.
    const { model } = build(pool([1, 2, 2], 'kernel: 3, stride: 1, padding: 1'), { maxBatch: 1 });
    model.computeGradients([1, 2, 3, 4], [0, 0, 0, 0], 1); // y = 10/9 everywhere: dY = 2·(10/9)/4
    const each = (4 * (2 * (10 / 9)) / 4) / 9;
    Array.from(model.inputGrad(1)).forEach((v) => expect(v).toBeCloseTo(each, 14));
  });

  it.each([
    ['kernel 2 (stride = kernel)', [2, 4, 4], 'kernel: 2'],
    ['kernel 3, stride 2 (overlapping windows)', [1, 7, 7], 'kernel: 3, stride: 2'],
    ['kernel 2, stride 1 (overlapping windows)', [2, 3, 4], 'kernel: 2, stride: 1'],
    ['kernel 2, stride 3 (skips input)', [1, 5, 5], 'kernel: 2, stride: 3'],
    ['padding 1, counted in the divisor', [2, 5, 5], 'kernel: 3, stride: 2, padding: 1'],
    ['padding [1, 0], rectangular kernel [2, 3], stride [2, 1]', [1, 4, 5], 'kernel: [2, 3], stride: [2, 1], padding: [1, 0]'],
  ])('%s: finite differences', (_, shape, attrs) => {
    expectGradients(pool(shape as number[], attrs as string), { batch: 2 });
  });

  it('between a convolution and a dense layer, under cross_entropy', () => {
    expectGradients(spec([2, 5, 5], ['conv2d: {filters: 2, kernel: 2}', 'avgpool2d: {kernel: 2, padding: 1}', 'flatten', 'dense: {units: 3}'], 'cross_entropy'), { batch: 2 });
  });
});
