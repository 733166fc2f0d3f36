// softmax over the last axis: y = e^(x - max) / Σ e^(x - max); dX_i = y_i·(dY_i - Σ_j dY_j·y_j).
import { add, div, exp, max, mul, sub } from '../ir/kernel.js';
import { size, type Attrs, type OpDef } from './types.js';

export const softmax: OpDef = {
  name: 'softmax',
  summary: 'Softmax over the last axis.',
  attributes: {},
  required: [],
  normalize: () => ({}) as Attrs,
  inferShape: (_a, input) => input,
  onnx: (g, { x }) => g.node('Softmax', [x], { axis: -1 })[0],
  flops: (_a, input) => 5 * size(input),
  forward(b, { inShape, x, y }) {
    const L = inShape[inShape.length - 1];
    const rows = size(inShape) / L;
    b.loop(b.mul(rows), (r) => {
      const base = mul(r, L);
      const m = b.local(b.load(x, base), 'f32', 'm');
      b.range(1, L, (j) => b.set(m, max(m, b.load(x, add(base, j)))), 'j');
      const s = b.local(0, 'f32', 's');
      b.loop(L, (j) => {
        const e = b.local(exp(sub(b.load(x, add(base, j)), m)), 'f32', 'e');
        b.store(y, add(base, j), e);
        b.set(s, add(s, e));
      }, 'j');
      const inv = b.local(div(1, s), 'f32', 'inv');
      b.loop(L, (j) => b.store(y, add(base, j), mul(b.load(y, add(base, j)), inv)), 'j');
    }, 'r');
  },
  backward(b, { inShape, y, dY, dX, dXAccumulate }) {
    if (!dX) return;
    const L = inShape[inShape.length - 1];
    const rows = size(inShape) / L;
    b.loop(b.mul(rows), (r) => {
      const base = mul(r, L);
      const dot = b.local(0, 'f32', 'dot');
      b.loop(L, (j) => b.set(dot, add(dot, mul(b.load(dY, add(base, j)), b.load(y, add(base, j))))), 'j');
      b.loop(L, (j) => {
        const k = add(base, j);
        b.write(dX, k, mul(b.load(y, k), sub(b.load(dY, k), dot)), dXAccumulate);
      }, 'j');
    }, 'r');
  },
};
