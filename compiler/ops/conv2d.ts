// conv2d: PyTorch nn.Conv2d on NCHW. Per sample: col = im2col(x) [C·kh·kw, Ho·Wo], then
// y[F, Ho·Wo] = W[F, C·kh·kw]·col + b.
import { add, i, mul, type KernelBuilder } from '../ir/kernel.js';
import { boolAttr, intAttr, LIMITS, sizeAttr } from './attrs.js';
import { col2im, im2col, type ConvGeometry } from './im2col.js';
import { pair, size, type OpDef, type Shape } from './types.js';

interface ConvAttrs extends Record<string, unknown> {
  filters: number;
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  bias: boolean;
}

export function convOutput(inSize: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((inSize + 2 * p - d * (k - 1) - 1) / s) + 1;
}

function geometry(a: ConvAttrs, input: Shape, output: Shape): ConvGeometry {
  const [C, H, W] = input;
  return {
    C, H, W,
    kh: a.kernel[0], kw: a.kernel[1], sh: a.stride[0], sw: a.stride[1],
    ph: a.padding[0], pw: a.padding[1], dh: a.dilation[0], dw: a.dilation[1],
    Ho: output[1], Wo: output[2],
  };
}

export const conv2d: OpDef<ConvAttrs> = {
  name: 'conv2d',
  summary: '2-D convolution over [C,H,W] (PyTorch nn.Conv2d); weight [filters, C, kh, kw], bias [filters].',
  attributes: {
    filters: intAttr('Output channels.', 1, LIMITS.maxChannels),
    kernel: sizeAttr('Kernel size, k or [kh, kw].', 1, LIMITS.maxKernel),
    stride: sizeAttr('Stride, s or [sh, sw].', 1, LIMITS.maxKernel, 1),
    padding: sizeAttr('Zero padding on each side, p or [ph, pw].', 0, LIMITS.maxKernel, 0),
    dilation: sizeAttr('Spacing between kernel taps, d or [dh, dw].', 1, LIMITS.maxKernel, 1),
    bias: boolAttr('Learn an additive bias per filter.', true),
  },
  required: ['filters', 'kernel'],
  normalize: (a) => ({
    filters: a.filters as number,
    kernel: pair(a.kernel),
    stride: pair(a.stride ?? 1),
    padding: pair(a.padding ?? 0),
    dilation: pair(a.dilation ?? 1),
    bias: (a.bias as boolean | undefined) ?? true,
  }),
  inferShape(a, input, ctx) {
    if (input.length !== 3) {
      ctx.error(`${ctx.label} needs a [C,H,W] input, got [${input.join(',')}] ${ctx.from}`, {
        hint: input.length === 1 ? 'conv2d works on images: give the model input as [channels, height, width]' : undefined,
      });
      return undefined;
    }
    const [, H, W] = input;
    const eh = a.dilation[0] * (a.kernel[0] - 1) + 1;
    const ew = a.dilation[1] * (a.kernel[1] - 1) + 1;
    const Hp = H + 2 * a.padding[0];
    const Wp = W + 2 * a.padding[1];
    if (eh > Hp || ew > Wp) {
      const dil = a.dilation[0] > 1 || a.dilation[1] > 1 ? ` (${eh}×${ew} with dilation)` : '';
      ctx.error(`${ctx.label} kernel ${a.kernel[0]}×${a.kernel[1]}${dil} is larger than its padded input ${Hp}×${Wp} (input [${input.join(',')}] ${ctx.from})`, {
        attr: 'kernel',
        hint: `use a kernel of at most ${Hp}×${Wp}, or more padding`,
      });
      return undefined;
    }
    return [
      a.filters,
      convOutput(H, a.kernel[0], a.stride[0], a.padding[0], a.dilation[0]),
      convOutput(W, a.kernel[1], a.stride[1], a.padding[1], a.dilation[1]),
    ];
  },
  params(a, input) {
    const fanIn = input[0] * a.kernel[0] * a.kernel[1];
    const bound = 1 / Math.sqrt(fanIn);
    const w = { suffix: 'weight', shape: [a.filters, input[0], a.kernel[0], a.kernel[1]], init: { kind: 'uniform' as const, bound } };
    return a.bias ? [w, { suffix: 'bias', shape: [a.filters], init: { kind: 'uniform', bound } }] : [w];
  },
  scratch(a, input, output) {
    const colSize = input[0] * a.kernel[0] * a.kernel[1] * output[1] * output[2];
    return [{ name: 'col', size: colSize, batched: false, lifetime: 'temp' }];
  },
  // NCHW in both; PyTorch's symmetric padding is ONNX's [top, left, bottom, right]
  onnx: (g, { attrs: a, x }) =>
    g.node('Conv', a.bias ? [x, g.param('weight'), g.param('bias')] : [x, g.param('weight')], {
      kernel_shape: a.kernel, strides: a.stride, pads: [...a.padding, ...a.padding], dilations: a.dilation,
    })[0],
  flops: (a, input, output) =>
    2 * input[0] * a.kernel[0] * a.kernel[1] * size(output) + (a.bias ? size(output) : 0),
  forward(b: KernelBuilder, { attrs, inShape, outShape, x, y, params, scratch }) {
    const g = geometry(attrs, inShape, outShape);
    const CKK = g.C * g.kh * g.kw;
    const P = g.Ho * g.Wo;
    b.loop(b.n, (s) => {
      im2col(b, g, x, mul(s, size(inShape)), scratch.col);
      // [F, CKK]·[CKK, P] → [F, P], + bias per filter (row)
      b.gemm({
        M: i(attrs.filters),
        N: P,
        K: i(CKK),
        A: { buf: params.weight, off: i(0), rs: CKK, cs: 1 },
        B: { buf: scratch.col, off: i(0), rs: P, cs: 1 },
        C: { buf: y, off: mul(s, size(outShape)), rs: P, cs: 1 },
        accumulate: false,
        bias: attrs.bias ? { buf: params.bias, off: i(0), along: 'm' } : undefined,
      });
    }, 's');
  },
  backward(b: KernelBuilder, { attrs, inShape, outShape, x, params, scratch, dY, dX, dXAccumulate, dParams }) {
    const g = geometry(attrs, inShape, outShape);
    const F = attrs.filters;
    const CKK = g.C * g.kh * g.kw;
    const P = g.Ho * g.Wo;
    b.fill(dParams.weight, F * CKK);
    if (attrs.bias) b.fill(dParams.bias, F);
    if (dX && !dXAccumulate) b.fill(dX, b.mul(size(inShape)));
    b.loop(b.n, (s) => {
      const yOff = mul(s, size(outShape));
      im2col(b, g, x, mul(s, size(inShape)), scratch.col);
      // dW[F, CKK] += dY_s[F, P]·colᵀ[P, CKK]
      b.gemm({
        M: i(F),
        N: CKK,
        K: i(P),
        A: { buf: dY, off: yOff, rs: P, cs: 1 },
        B: { buf: scratch.col, off: i(0), rs: 1, cs: P },
        C: { buf: dParams.weight, off: i(0), rs: CKK, cs: 1 },
        accumulate: true,
      });
      if (attrs.bias) {
        b.loop(F, (f) => {
          const acc = b.local(0, 'f32', 'acc');
          b.loop(P, (p) => b.set(acc, add(acc, b.load(dY, add(yOff, add(mul(f, P), p))))), 'p');
          b.accumulate(dParams.bias, f, acc);
        }, 'f');
      }
      if (dX) {
        // dcol[CKK, P] = Wᵀ[CKK, F]·dY_s[F, P], then scattered back onto the input
        b.gemm({
          M: i(CKK),
          N: P,
          K: i(F),
          A: { buf: params.weight, off: i(0), rs: 1, cs: CKK },
          B: { buf: dY, off: yOff, rs: P, cs: 1 },
          C: { buf: scratch.col, off: i(0), rs: P, cs: 1 },
          accumulate: false,
        });
        col2im(b, g, scratch.col, dX, mul(s, size(inShape)));
      }
    }, 's');
  },
};
