// maxpool2d: PyTorch nn.MaxPool2d (dilation 1, floor mode). Ties go to the first maximum in
// scan order, as PyTorch's CPU kernel does; the training forward saves that position as its
// tap in the window (ki·kw + kj < 2^20): an input offset would not be exact in a float32
// arena beyond 2^24 elements per sample.
import { add, cmp, f, toF, toI } from '../ir/kernel.js';
import { forEachWindow, inferPoolShape, normalizePool, poolAttributes, type PoolAttrs } from './pool.js';
import { size, type OpDef } from './types.js';

export const maxpool2d: OpDef<PoolAttrs> = {
  name: 'maxpool2d',
  summary: 'Max pooling over [C,H,W] windows (nn.MaxPool2d); stride defaults to the kernel.',
  attributes: poolAttributes,
  required: ['kernel'],
  normalize: normalizePool,
  inferShape: inferPoolShape,
  scratch: (_a, _input, output) => [{ name: 'argmax', size: size(output), batched: true, lifetime: 'saved' }],
  onnx: (g, { attrs: a, x }) =>
    g.node('MaxPool', [x], { kernel_shape: a.kernel, strides: a.stride, pads: [...a.padding, ...a.padding] })[0],
  flops: (a, _input, output) => a.kernel[0] * a.kernel[1] * size(output),
  forward(b, { attrs, inShape, outShape, x, y, scratch, training }) {
    forEachWindow(b, attrs, inShape, outShape, (o, base, taps) => {
      const m = b.local(f(-Infinity), 'f32', 'm');
      const at = b.local(-1, 'i32', 'at');
      taps((j, tap) => {
        const v = b.local(b.load(x, add(base, j)), 'f32', 'v');
        // As PyTorch's CPU kernel: a larger value or a NaN takes the window (NaN propagates),
        // and the first tap always wins (PyTorch starts from the window's first position).
        const take = () => {
          b.set(m, v);
          b.set(at, tap);
        };
        b.when(cmp('>', v, m), take, () =>
          b.when(cmp('!=', v, v), take, () => b.when(cmp('<', at, 0), () => b.set(at, tap))));
      });
      b.store(y, o, m);
      if (training) b.store(scratch.argmax, o, toF(at));
    });
  },
  backward(b, { attrs, inShape, outShape, scratch, dY, dX, dXAccumulate }) {
    if (!dX) return;
    if (!dXAccumulate) b.fill(dX, b.mul(size(inShape)));
    forEachWindow(b, attrs, inShape, outShape, (o, base, _taps, tapInput) => {
      const tap = b.local(toI(b.load(scratch.argmax, o)), 'i32', 'tap');
      b.accumulate(dX, add(base, tapInput(tap)), b.load(dY, o));
    });
  },
};
