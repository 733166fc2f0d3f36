import { describe, expect, it } from 'vitest';
import { createRng } from '../../runtime/rng.js';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

/** A direct float64 convolution (PyTorch semantics), independent of the kernels under test. */
function referenceConv(
  x: ArrayLike<number>, [C, H, W]: number[], w: ArrayLike<number>, bias: ArrayLike<number> | undefined,
  F: number, [kh, kw]: number[], [sh, sw]: number[], [ph, pw]: number[], [dh, dw]: number[],
): number[] {
  const Ho = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const y: number[] = [];
  for (let f = 0; f < F; f++) {
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        let acc = bias ? bias[f] : 0;
        for (let c = 0; c < C; c++) {
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const ih = oh * sh - ph + i * dh;
              const iw = ow * sw - pw + j * dw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              acc += x[(c * H + ih) * W + iw] * w[((f * C + c) * kh + i) * kw + j];
            }
          }
        }
        y.push(acc);
      }
    }
  }
  return y;
}

const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('conv2d forward', () => {
  it.each([
    // [attrs, input shape, input, weight, bias, expected]
    ['kernel: 2', [1, 3, 3], nine, [1, 2, 3, 4], [0], [37, 47, 67, 77]],
    ['kernel: 2', [1, 3, 3], nine, [1, 2, 3, 4], [-7], [30, 40, 60, 70]],
    ['kernel: 3, padding: 1', [1, 3, 3], nine, [0, 0, 0, 0, 1, 0, 0, 0, 0], [0], nine],
    ['kernel: 3, padding: 1', [1, 3, 3], nine, [1, 1, 1, 1, 1, 1, 1, 1, 1], [0], [12, 21, 16, 27, 45, 33, 24, 39, 28]],
    ['kernel: 1, stride: 2', [1, 3, 3], nine, [1], [0], [1, 3, 7, 9]],
    ['kernel: 3, dilation: 2', [1, 5, 5], Array.from({ length: 25 }, (_, k) => k), Array(9).fill(1), [0], [108]],
    ['kernel: 1', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8], [1, 10], [0], [51, 62, 73, 84]],
    ['kernel: [1, 2], stride: [1, 2]', [1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8], [1, -1], [0], [-1, -1, -1, -1]],
  ])('conv2d {%s} over %j', (attrs, shape, x, w, b, expected) => {
    const { model } = build(spec(shape as number[], [`conv2d: {filters: 1, ${attrs}}`]), { maxBatch: 1 });
    model.param('layers.0.weight').set(w as number[]);
    model.param('layers.0.bias').set(b as number[]);
    expect(Array.from(model.forward(x as number[], 1))).toEqual(expected);
  });

  it.each([
    { C: 3, H: 7, W: 6, F: 4, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1], bias: true },
    { C: 2, H: 7, W: 7, F: 3, k: [3, 3], s: [2, 2], p: [2, 2], d: [1, 1], bias: false },
    { C: 2, H: 8, W: 9, F: 2, k: [3, 2], s: [3, 2], p: [0, 1], d: [2, 3], bias: true },
    { C: 1, H: 5, W: 5, F: 2, k: [2, 3], s: [1, 2], p: [1, 0], d: [1, 1], bias: true },
  ])('matches a direct convolution: %j', ({ C, H, W, F, k, s, p, d, bias }) => {
    const attrs = `filters: ${F}, kernel: [${k}], stride: [${s}], padding: [${p}], dilation: [${d}], bias: ${bias}`;
    const { model } = build(spec([C, H, W], [`conv2d: {${attrs}}`]), { maxBatch: 2 });
    const rng = createRng(3);
    const x = uniform(rng, 2 * C * H * W);
    const wt = model.param('layers.0.weight');
    const bs = bias ? model.param('layers.0.bias') : undefined;
    const y = model.forward(x, 2);
    const per = y.length / 2;
    for (let s0 = 0; s0 < 2; s0++) {
      const ref = referenceConv(x.subarray(s0 * C * H * W), [C, H, W], wt, bs, F, k, s, p, d);
      expect(ref.length).toBe(per);
      ref.forEach((v, j) => expect(y[s0 * per + j]).toBeCloseTo(v, 12));
    }
  });
});

describe('conv2d gradients (float64 finite differences)', () => {
  it.each([
    ['stride 1, no padding', [1, 4, 4], 'filters: 2, kernel: 3'],
    ['padding 1, several channels', [3, 5, 5], 'filters: 4, kernel: 3, padding: 1'],
    ['padding 2 (output larger than input)', [2, 3, 3], 'filters: 2, kernel: 3, padding: 2'],
    ['stride 2 with padding', [2, 6, 6], 'filters: 3, kernel: 3, stride: 2, padding: 1'],
    ['dilation 2', [2, 6, 6], 'filters: 2, kernel: 3, dilation: 2, padding: 1'],
    ['rectangular kernel [2, 3], stride [1, 2], padding [1, 0]', [2, 5, 6], 'filters: 2, kernel: [2, 3], stride: [1, 2], padding: [1, 0]'],
    ['no bias', [2, 4, 4], 'filters: 3, kernel: 2, bias: false'],
    ['1×1 kernel', [3, 3, 3], 'filters: 2, kernel: 1'],
    ['padding 2 with kernel 2: corner windows see only padding', [1, 3, 3], 'filters: 2, kernel: 2, padding: 2'],
    ['dilation [2, 1] with stride [2, 1] and padding [2, 1]', [2, 5, 4], 'filters: 2, kernel: [3, 2], dilation: [2, 1], stride: [2, 1], padding: [2, 1]'],
  ])('%s', (_, shape, attrs) => {
    expectGradients(spec(shape as number[], [`conv2d: {${attrs}}`]), { batch: 2 });
  });

  it('stride 3 skips input row and column 2: their gradient is exactly zero', () => {
    const yaml = spec([1, 5, 5], ['conv2d: {filters: 2, kernel: 2, stride: 3}']);
    expectGradients(yaml, { batch: 2 });
    const { model } = build(yaml, { maxBatch: 2 });
    model.computeGradients(uniform(createRng(1), 50), uniform(createRng(2), 16), 2);
    const dX = model.inputGrad(2);
    for (let k = 0; k < 50; k++) {
      const r = Math.floor(k / 5) % 5;
      const c = k % 5;
      if (r === 2 || c === 2) expect(dX[k]).toBe(0);
      else expect(dX[k]).not.toBe(0);
    }
  });

  it('two convolutions in a row (the second one writes the first one\'s output gradient)', () => {
    expectGradients(spec([2, 5, 5], ['conv2d: {filters: 3, kernel: 3, padding: 1}', 'tanh', 'conv2d: {filters: 2, kernel: 2, stride: 2}']), { batch: 2 });
  });

  it('under cross_entropy after flatten and dense', () => {
    expectGradients(spec([1, 4, 4], ['conv2d: {filters: 2, kernel: 3}', 'flatten', 'dense: {units: 3}'], 'cross_entropy'), { batch: 3 });
  });
});
