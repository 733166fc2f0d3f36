// block: a named group of layers, callable alone from the generated module (model.encoder).
// It has no kernels of its own: the graph builder inlines its layers.
import type { Attrs, OpDef } from './types.js';

export const block: OpDef = {
  name: 'block',
  summary: 'A named group of layers; the generated module can run it alone (model.<name>.forward).',
  attributes: {},
  required: ['name', 'layers'],
  normalize: (a) => a as Attrs,
  inferShape: (_a, input) => input,
  flops: () => 0,
  forward() {},
  backward() {},
};
