// What cannot be exported or imported is refused with a message naming the layer or node.
import { describe, expect, it } from 'vitest';
import { buildOnnx } from '../../compiler/emit/onnx.js';
import { floatTensor, int64Tensor, type NodeProto, type TensorProto } from '../../compiler/emit/onnx-proto.js';
import { importOnnx } from '../../compiler/import/onnx-spec.js';
import type { OnnxAttr } from '../../compiler/ops/types.js';
import { NetspecError } from '../../runtime/errors.js';
import { graph, node } from './graphs.js';
import { EXTRA_SPECS, loadSpec, seededWeights } from './helpers.js';

describe('export errors', () => {
  it('names every layer whose op has no ONNX form', () => {
    const model = loadSpec(EXTRA_SPECS.find((p) => p.endsWith('/conv-attributes.yaml'))!);
    const weights = seededWeights(model);
    for (const i of [1, 9]) model.nodes[i] = { ...model.nodes[i], op: { ...model.nodes[i].op, onnx: undefined } };
    const run = () => buildOnnx(model, (n) => weights.get(n)!);
    expect(run).toThrow(NetspecError);
    expect(run).toThrow(
      "conv_attributes: cannot export to ONNX: relu layers.1 (op 'relu' has no ONNX form), dense 'out' (op 'dense' has no ONNX form)",
    );
  });
});

const ones = (name: string, dims: number[]) => floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5));
const model = (nodes: NodeProto[], inits: TensorProto[], inShape: number[], inputs = ['x']) => graph(nodes, inits, inShape, { inputs });
const importing = (bytes: Uint8Array, name?: string) => () => importOnnx(bytes, 'm.onnx', { specPath: 'm.yaml', name });

describe('import errors', () => {
  const W = ones('fc.weight', [3, 4]);
  const conv = (attrs: Record<string, OnnxAttr>) => model([node('Conv', ['x', 'c.weight'], ['y'], attrs)], [ones('c.weight', [2, 1, 3, 3])], [1, 6, 6]);
  const cases: [string, Uint8Array, string][] = [
    ['not ONNX', new TextEncoder().encode('netspec: 1\n'), 'm.onnx: not an ONNX model'],
    ['an op without a netspec form', model([node('Gemm', ['x', 'fc.weight'], ['h'], { transB: 1 }), node('LogSoftmax', ['h'], ['y'])], [W], [4]), "m.onnx: node 'LogSoftmax_y' (LogSoftmax): has no netspec form"],
    ['a residual connection', model([node('Relu', ['x'], ['r']), node('Add', ['x', 'r'], ['y'])], [], [4]), 'adds to an activation other than a MatMul just before it (no residual connections in netspec)'],
    ['a branch', model([node('Relu', ['x'], ['r']), node('Sigmoid', ['x'], ['y'])], [], [4]), "node 'Sigmoid_y' (Sigmoid): reads the output of an earlier layer: only one chain of layers imports"],
    ['grouped convolution', conv({ group: 2 }), 'grouped convolution has no netspec form'],
    ['asymmetric padding', conv({ pads: [0, 0, 1, 1] }), 'pads [0,0,1,1] is not the same on both sides; netspec pads symmetrically'],
    ['auto_pad', conv({ auto_pad: 'SAME_UPPER' }), 'auto_pad=SAME_UPPER is not supported'],
    ['ceil_mode', model([node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })], [], [1, 5, 5]), 'ceil_mode=1 has no netspec form'],
    ['padding left out of the average', model([node('AveragePool', ['x'], ['y'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })], [], [1, 5, 5]), "count_include_pad=0 with padding: netspec's avgpool2d counts the padding"],
    ['pooling padding beyond half the kernel', model([node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], pads: [2, 2, 2, 2] })], [], [1, 5, 5]), 'padding 2×2 is more than half its kernel 2×2'],
    ['softmax over another axis', model([node('Softmax', ['x'], ['y'], { axis: 1 })], [], [3, 4]), "softmax over axis 1 of a rank-3 tensor; netspec's softmax is over the last axis"],
    ['a reshape that is not a flatten', model([node('Reshape', ['x', 'shape'], ['y'])], [int64Tensor('shape', [3], [0, 2, -1])], [3, 4]), 'reshapes [N,3,4] to [N,2,6]: only flattening each sample has a netspec form'],
    ['two inputs', model([node('Relu', ['x'], ['y'])], [], [4], ['x', 'z']), 'm.onnx: the graph has 2 inputs (x, z); a netspec model has one'],
    ['a reverse LSTM', model([node('Transpose', ['x'], ['t'], { perm: [1, 0, 2] }), node('LSTM', ['t', 'W', 'R'], ['y', 'h'], { hidden_size: 2, direction: 'reverse' })], [ones('W', [1, 8, 3]), ones('R', [1, 8, 2])], [5, 3]), 'only a forward LSTM has a netspec form'],
    ['an LSTM with sequence lengths', model([node('Transpose', ['x'], ['t'], { perm: [1, 0, 2] }), node('LSTM', ['t', 'W', 'R', '', 'x'], ['y', 'h'], { hidden_size: 2 })], [ones('W', [1, 8, 3]), ones('R', [1, 8, 2])], [5, 3]), 'sequence_lens has no netspec form'],
    ['an output that is not the end of the chain', model([node('Transpose', ['x'], ['y'], { perm: [1, 0, 2] })], [], [5, 3]), "the graph output 'y' is not the end of one chain of layers"],
  ];
  it.each(cases)('refuses %s', (_what, bytes, message) => {
    expect(importing(bytes)).toThrow(NetspecError);
    expect(importing(bytes)).toThrow(message);
  });

  it('reports the front end’s diagnostics when the result is not a valid spec', () => {
    const bytes = model([node('Relu', ['x'], ['y'])], [], [4]);
    expect(importing(bytes, 'Bad-Name')).toThrow(/m\.onnx: the imported model is not a valid netspec spec:\n.*m\.yaml:3:7: error: .*name/s);
  });
});
