import { describe, expect, it } from 'vitest';
import { build, distinct, expectGradients, spec } from './gradcheck.js';

const pool = (shape: number[], attrs: string) => spec(shape, [`maxpool2d: {${attrs}}`]);

describe('maxpool2d forward', () => {
  it.each([
    ['4 windows', 'kernel: 2', [1, 4, 4], [1, 5, 2, 0, 3, 4, 8, 6, -1, -2, 7, 7, 0, 9, 7, 1], [5, 8, 9, 7]],
    ['an all-negative window', 'kernel: 2', [1, 2, 2], [-3, -1, -2, -4], [-1]],
    // padding is −inf, not 0: every window's max is one of its real values, even when all are negative
    ['padding around negative values', 'kernel: 2, padding: 1', [1, 3, 3], [-1, -2, -3, -4, -5, -6, -7, -8, -9], [-1, -2, -4, -5]],
    ['overlapping windows', 'kernel: 3, stride: 2', [1, 5, 5], Array.from({ length: 25 }, (_, k) => k), [12, 14, 22, 24]],
    ['stride 1', 'kernel: 2, stride: 1', [1, 3, 3], [1, 9, 2, 3, 4, 5, 8, 6, 7], [9, 9, 8, 7]],
    ['a stride that skips input', 'kernel: 1, stride: 2', [1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 7, 9]],
    ['a rectangular kernel, two channels', 'kernel: [1, 2]', [2, 1, 4], [1, 2, 4, 3, -5, -6, -8, -7], [2, 4, -5, -7]],
  ])('%s: {%s} over %j', (_, attrs, shape, x, expected) => {
    const { model } = build(pool(shape as number[], attrs as string), { maxBatch: 1 });
    expect(Array.from(model.forward(x as number[], 1))).toEqual(expected);
  });
});

it('a NaN in a window gives NaN, as PyTorch (it is not skipped as a smaller value)', () => {
  const { model } = build(pool([1, 2, 4], 'kernel: 2'), { maxBatch: 1 });
  const y = Array.from(model.forward([1, NaN, 5, 6, 2, 3, 7, NaN], 1));
  expect(Number.isNaN(y[0])).toBe(true);
  expect(Number.isNaN(y[1])).toBe(true);
  expect(Array.from(model.forward([1, 4, 5, 6, 2, 3, 7, 8], 1))).toEqual([4, 8]);
});

describe('maxpool2d gradient with ties: all of it goes to the first maximum in scan order (as PyTorch)', () => {
  // mse against targets t: dY = 2(y − t)/(n·|y|); the expected dX places each dY at its window's first maximum.
  it.each([
    {
      what: 'equal values, and a repeated maximum after a smaller first tap',
      shape: [1, 2, 4], attrs: 'kernel: 2',
      x: [1, 1, 0, 3, 1, 1, 3, 3], y: [1, 3], t: [0, 0],
      dX: [1, 0, 0, 3, 0, 0, 0, 0],
    },
    {
      what: 'overlapping windows, each element the first maximum of a different window',
      shape: [1, 3, 3], attrs: 'kernel: 2, stride: 1',
      x: [2, 2, 1, 2, 2, 2, 0, 2, 2], y: [2, 2, 2, 2], t: [0, 1, 2, 3],
      dX: [1, 0.5, 0, 0, -0.5, 0, 0, 0, 0],
    },
    {
      what: 'padding around equal negative values: the first real tap wins, never the padding',
      shape: [1, 2, 2], attrs: 'kernel: 3, stride: 1, padding: 1',
      x: [-1, -1, -1, -1], y: [-1, -1, -1, -1], t: [-3, -2, 1, 0],
      dX: [1 + 0.5 - 1 - 0.5, 0, 0, 0],
    },
    {
      what: 'two channels, the second one all equal',
      shape: [2, 2, 2], attrs: 'kernel: 2',
      x: [0, 4, 4, 1, 7, 7, 7, 7], y: [4, 7], t: [3, 5],
      dX: [0, 1, 0, 0, 2, 0, 0, 0],
    },
  ])('$what', ({ shape, attrs, x, y, t, dX }) => {
    const { model } = build(pool(shape, attrs), { maxBatch: 1 });
    expect(Array.from(model.forward(x, 1))).toEqual(y);
    model.computeGradients(x, t, 1);
    expect(Array.from(model.inputGrad(1))).toEqual(dX);
  });

  it('ties per sample in a batch: each sample routes to its own first maximum', () => {
    const { model } = build(pool([1, 2, 2], 'kernel: 2'), { maxBatch: 3 });
    const x = [5, 5, 5, 5, 0, 5, 5, 0, 1, 2, 3, 3];
    model.computeGradients(x, [3, 3, 1], 3); // y = [5, 5, 3]: dY = 2(y − t)/3
    expect(Array.from(model.inputGrad(3))).toEqual([4 / 3, 0, 0, 0, 0, 4 / 3, 0, 0, 0, 0, 4 / 3, 0]);
  });
});

describe('maxpool2d gradients (float64 finite differences, inputs without ties)', () => {
  it.each([
    ['kernel 2 (stride = kernel)', [2, 4, 4], 'kernel: 2'],
    ['kernel 3, stride 2 (overlapping windows)', [1, 7, 7], 'kernel: 3, stride: 2'],
    ['kernel 2, stride 1 (overlapping windows)', [2, 3, 4], 'kernel: 2, stride: 1'],
    ['kernel 2, stride 3 (skips input)', [1, 5, 5], 'kernel: 2, stride: 3'],
    ['padding 1 (implicit −inf)', [2, 5, 5], 'kernel: 3, stride: 2, padding: 1'],
    ['padding [1, 0], rectangular kernel [2, 3], stride [2, 1]', [1, 4, 5], 'kernel: [2, 3], stride: [2, 1], padding: [1, 0]'],
  ])('%s', (_, shape, attrs) => {
    expectGradients(pool(shape as number[], attrs as string), { batch: 2, input: (rng, k) => distinct(rng, k) });
  });

  it('windows of all-negative values, with padding', () => {
    expectGradients(pool([2, 4, 4], 'kernel: 2, padding: 1'), { batch: 2, input: (rng, k) => distinct(rng, k, 0.05, -0.1 - k * 0.05) });
  });

  it('between a convolution and a dense layer, under cross_entropy', () => {
    expectGradients(spec([1, 6, 6], ['conv2d: {filters: 2, kernel: 3}', 'maxpool2d: {kernel: 2}', 'flatten', 'dense: {units: 3}'], 'cross_entropy'), { batch: 2 });
  });
});

describe('maxpool2d in a float32 arena', () => {
  it('routes gradients exactly past 2^24 input elements per sample (argmax saved as a window tap)', () => {
    // 1×2×(2^23 + 2): the maximum of every 2×2 window is its bottom-right tap, the last at 2^24 + 3,
    // which float32 cannot hold as an input offset (2^24 + 1 and 2^24 + 3 round to even).
    const W = (1 << 23) + 2;
    const N = 2 * W;
    const { model } = build(pool([1, 2, W], 'kernel: 2'), { maxBatch: 1, float64: false });
    const x = new Float32Array(N);
    for (let k = W + 1; k < N; k += 2) x[k] = 1;
    model.computeGradients(x, new Float32Array(N / 4), 1);
    const g = model.inputGrad(1);
    let wrong = 0;
    for (let k = 0; k < N; k++) if ((g[k] !== 0) !== (k > W && k % 2 === 1)) wrong++;
    expect(wrong).toBe(0);
  });
});
