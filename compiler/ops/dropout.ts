// dropout: inverted dropout while training (y = x·mask, mask ∈ {0, 1/(1-p)} drawn by the
// runtime's seeded RNG before each training forward); identity in inference.
import { mul } from '../ir/kernel.js';
import { size, type OpDef } from './types.js';

interface DropoutAttrs extends Record<string, unknown> {
  p: number;
}

export const dropout: OpDef<DropoutAttrs> = {
  name: 'dropout',
  summary: 'Inverted dropout with probability p while training; identity in forward (inference).',
  attributes: {
    p: { description: 'Probability of zeroing an element.', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.5 },
  },
  required: [],
  normalize: (a) => ({ p: (a.p as number | undefined) ?? 0.5 }),
  inferShape: (_a, input) => input,
  scratch: (a, input) => [{ name: 'mask', size: size(input), batched: true, lifetime: 'saved', dropoutMask: a.p }],
  // identity at inference: no node; p is kept as metadata so an import can restore the layer
  onnx(g, { attrs, x }) {
    g.note('p', String(attrs.p));
    return x;
  },
  flops: (_a, input) => size(input),
  forward(b, { inShape, x, y, scratch, training }) {
    const N = size(inShape);
    if (training) b.loop(b.mul(N), (j) => b.store(y, j, mul(b.load(x, j), b.load(scratch.mask, j))), 'j');
    else b.loop(b.mul(N), (j) => b.store(y, j, b.load(x, j)), 'j');
  },
  backward(b, { inShape, dY, dX, dXAccumulate, scratch }) {
    if (!dX) return;
    const N = size(inShape);
    b.loop(b.mul(N), (j) => b.write(dX, j, mul(b.load(dY, j), b.load(scratch.mask, j)), dXAccumulate), 'j');
  },
};
