// Hand-built ONNX graphs for the importer's tests.
import { attribute, encodeModel, floatTensor, type NodeProto, type TensorProto } from '../../compiler/emit/onnx-proto.js';
import type { OnnxAttr } from '../../compiler/ops/types.js';
import { createRng } from '../../runtime/rng.js';

const valueInfo = (name: string, dims: (number | string)[]) => ({
  name,
  type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});

export const node = (opType: string, input: string[], output: string[], attrs: Record<string, OnnxAttr> = {}): NodeProto => ({
  name: `${opType}_${output[0]}`,
  opType,
  input,
  output,
  attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
});

/** A float initializer of seeded U(-0.5, 0.5) values. */
export function randomTensor(name: string, dims: number[], seed = name.length): TensorProto {
  const rng = createRng(seed);
  return floatTensor(name, dims, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.uniformRange(-0.5, 0.5)));
}

/** One graph from input `x` [N (or batch), ...inShape] to the last node's first output, at `opset`. */
export function graph(nodes: NodeProto[], inits: TensorProto[], inShape: number[], opts: { inputs?: string[]; opset?: number; batch?: number } = {}): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opts.opset ?? 17 }],
    graph: {
      name: 'g',
      node: nodes,
      initializer: inits,
      input: (opts.inputs ?? ['x']).map((n) => valueInfo(n, [opts.batch ?? 'N', ...inShape])),
      output: [{ name: nodes[nodes.length - 1].output![0], type: { tensorType: { elemType: 1 } } }],
    },
  });
}
