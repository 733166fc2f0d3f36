// The shape of an elementwise activation: y = f(x), dX = dY·f'(x) written in terms of y.
import type { Expr, KernelBuilder } from '../ir/kernel.js';
import { size, type Attrs, type OpDef } from './types.js';

export function elementwise(
  name: string,
  summary: string,
  fwd: (x: Expr) => Expr,
  /** dX from y and dY (every activation here has a derivative expressible through its output). */
  bwd: (y: Expr, dY: Expr) => Expr,
  flopsPerElement: number,
  /** The ONNX operator computing the same function. */
  onnxOp?: string,
): OpDef {
  return {
    name,
    summary,
    attributes: {},
    required: [],
    normalize: () => ({}) as Attrs,
    inferShape: (_a, input) => input,
    onnx: onnxOp === undefined ? undefined : (g, { x }) => g.node(onnxOp, [x])[0],
    flops: (_a, input) => flopsPerElement * size(input),
    forward(b: KernelBuilder, { inShape, x, y }) {
      b.loop(b.mul(size(inShape)), (j) => b.store(y, j, fwd(b.load(x, j))), 'j');
    },
    backward(b: KernelBuilder, { inShape, y, dY, dX, dXAccumulate }) {
      if (!dX) return;
      b.loop(b.mul(size(inShape)), (j) => b.write(dX, j, bwd(b.load(y, j), b.load(dY, j)), dXAccumulate), 'j');
    },
  };
}
