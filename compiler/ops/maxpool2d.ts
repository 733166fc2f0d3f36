// maxpool2d: PyTorch nn.MaxPool2d (dilation 1, floor mode). Ties go to the first maximum in
// scan order, as PyTorch's CPU kernel does; the training forward saves that position.
import { add, cmp, f, mul, toF, toI } from '../ir/kernel.js';
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
      taps((j) => {
        const v = b.local(b.load(x, add(base, j)), 'f32', 'v');
        // the first tap always wins (PyTorch starts from the window's first position)
        b.when(cmp('>', v, m), () => {
          b.set(m, v);
          b.set(at, j);
        }, () => b.when(cmp('<', at, 0), () => b.set(at, j)));
      });
      b.store(y, o, m);
      if (training) b.store(scratch.argmax, o, toF(at));
    });
  },
  backward(b, { inShape, outShape, scratch, dY, dX, dXAccumulate }) {
    if (!dX) return;
    const IN = size(inShape);
    const OUT = size(outShape);
    if (!dXAccumulate) b.fill(dX, b.mul(IN));
    b.loop(b.n, (s) => {
      b.loop(OUT, (j) => {
        const at = toI(b.load(scratch.argmax, add(mul(s, OUT), j)));
        b.accumulate(dX, add(mul(s, IN), at), b.load(dY, add(mul(s, OUT), j)));
      }, 'j');
    }, 's');
  },
};
