// flatten: [C,H,W] → [C·H·W] per sample (PyTorch nn.Flatten, start_dim 1). A view: no copy.
import { size, type Attrs, type OpDef } from './types.js';

export const flatten: OpDef = {
  name: 'flatten',
  summary: 'Flattens each sample to one dimension (nn.Flatten); free, its output is a view of its input.',
  attributes: {},
  required: [],
  normalize: () => ({}) as Attrs,
  inferShape: (_a, input) => [size(input)],
  onnx: (g, { x }) => g.node('Flatten', [x], { axis: 1 })[0],
  flops: () => 0,
  aliasesInput: true,
  forward() {},
  backward() {},
};
