// avgpool2d: PyTorch nn.AvgPool2d with count_include_pad=True: every window divides by kh·kw.
import { add, mul } from '../ir/kernel.js';
import { forEachWindow, inferPoolShape, normalizePool, poolAttributes, type PoolAttrs } from './pool.js';
import { size, type OpDef } from './types.js';

export const avgpool2d: OpDef<PoolAttrs> = {
  name: 'avgpool2d',
  summary: 'Average pooling over [C,H,W] windows (nn.AvgPool2d, padding counted in the divisor).',
  attributes: poolAttributes,
  required: ['kernel'],
  normalize: normalizePool,
  inferShape: inferPoolShape,
  onnx: (g, { attrs: a, x }) =>
    g.node('AveragePool', [x], { kernel_shape: a.kernel, strides: a.stride, pads: [...a.padding, ...a.padding], count_include_pad: 1 })[0],
  flops: (a, _input, output) => a.kernel[0] * a.kernel[1] * size(output),
  forward(b, { attrs, inShape, outShape, x, y }) {
    const inv = 1 / (attrs.kernel[0] * attrs.kernel[1]);
    forEachWindow(b, attrs, inShape, outShape, (o, base, taps) => {
      const acc = b.local(0, 'f32', 'acc');
      taps((j) => b.set(acc, add(acc, b.load(x, add(base, j)))));
      b.store(y, o, mul(acc, inv));
    });
  },
  backward(b, { attrs, inShape, outShape, dY, dX, dXAccumulate }) {
    if (!dX) return;
    const inv = 1 / (attrs.kernel[0] * attrs.kernel[1]);
    if (!dXAccumulate) b.fill(dX, b.mul(size(inShape)));
    forEachWindow(b, attrs, inShape, outShape, (o, base, taps) => {
      const g = b.local(mul(b.load(dY, o), inv), 'f32', 'g');
      taps((j) => b.accumulate(dX, add(base, j), g));
    });
  },
};
