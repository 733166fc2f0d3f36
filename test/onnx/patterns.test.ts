// The node sequences other exporters write for netspec's ops import and compute what ONNX
// Runtime computes on the original graph: MatMul+Add, Gemm without transB and with
// alpha/beta, Reshape to [0,-1] or [-1,F], Pad before Conv and AveragePool, an LSTM's last
// step by Slice+Squeeze, Dropout nodes, Identity, Squeeze axes as an attribute (opset 11).
import { describe, expect, it } from 'vitest';
import { compileModel, instantiate } from '../../compiler/build.js';
import { compareWithOnnxRuntime, CHECK_TOLERANCE } from '../../compiler/emit/onnx-check.js';
import { floatTensor, int64Tensor } from '../../compiler/emit/onnx-proto.js';
import { importOnnx } from '../../compiler/import/onnx-spec.js';
import { graph, node, randomTensor as t } from './graphs.js';

const lstmInputs = (H: number, F: number) => [t('W', [1, 4 * H, F]), t('R', [1, 4 * H, H]), t('B', [1, 8 * H])];
const i64 = (name: string, v: number[], scalar = false) => int64Tensor(name, scalar ? [] : [v.length], v);

const cases: [string, Uint8Array, string[]][] = [
  ['MatMul + Add + Relu', graph([node('MatMul', ['x', 'w'], ['m']), node('Add', ['m', 'b'], ['a']), node('Relu', ['a'], ['y'])], [t('w', [4, 3]), t('b', [3])], [4]),
    ['  - dense: {units: 3}', '  - relu']],
  ['MatMul without bias', graph([node('MatMul', ['x', 'w'], ['y'])], [t('w', [4, 3])], [4]), ['  - dense: {units: 3, bias: false}']],
  ['Gemm transB=0, alpha, beta', graph([node('Gemm', ['x', 'w', 'b'], ['y'], { alpha: { f: 0.5 }, beta: { f: 2 } })], [t('w', [4, 3]), t('b', [3])], [4]),
    ['  - dense: {units: 3}']],
  ['Pad + Conv, Reshape [0,-1]', graph([
    node('Pad', ['x', 'pads'], ['p']), node('Conv', ['p', 'k', 'kb'], ['c'], { kernel_shape: [3, 3], pads: [0, 1, 0, 1] }),
    node('Reshape', ['c', 'shape'], ['y'])], [i64('pads', [0, 0, 1, 0, 0, 0, 1, 0]), t('k', [2, 1, 3, 3]), t('kb', [2]), i64('shape', [0, -1])], [1, 5, 6]),
    ['  - conv2d: {filters: 2, kernel: 3, padding: 1}', '  - flatten']],
  ['Pad + AveragePool, Identity, Reshape [-1,F]', graph([
    node('Pad', ['x', 'pads', 'zero'], ['p']), node('AveragePool', ['p'], ['a'], { kernel_shape: [2, 2], strides: [2, 2] }),
    node('Identity', ['a'], ['i']), node('Reshape', ['i', 'shape'], ['y'])], [i64('pads', [0, 0, 1, 1, 0, 0, 1, 1]), t('zero', []), i64('shape', [-1, 32])].map((x) => (x.name === 'zero' ? { ...x, rawData: new Uint8Array(4) } : x)), [2, 6, 6]),
    ['  - avgpool2d: {kernel: 2, padding: 1}', '  - flatten']],
  ['an LSTM last step by Slice + Squeeze', graph([
    node('Transpose', ['x'], ['tx'], { perm: [1, 0, 2] }), node('LSTM', ['tx', 'W', 'R', 'B'], ['Y', 'Yh'], { hidden_size: 4 }),
    node('Squeeze', ['Y', 'one'], ['s']), node('Transpose', ['s'], ['bf'], { perm: [1, 0, 2] }),
    node('Slice', ['bf', 'start', 'end', 'one'], ['sl']), node('Squeeze', ['sl', 'one'], ['last']), node('Gemm', ['last', 'fw'], ['y'], { transB: 1 })],
  [...lstmInputs(4, 3), i64('one', [1]), i64('start', [-1]), i64('end', [2 ** 31 - 1]), t('fw', [2, 4])], [5, 3]),
    ['  - lstm: {hidden: 4}', '  - dense: {units: 2, bias: false}']],
  ['an LSTM at opset 11 (Squeeze axes as attribute), Dropout nodes', graph([
    node('Transpose', ['x'], ['tx'], { perm: [1, 0, 2] }), node('LSTM', ['tx', 'W', 'R', 'B'], ['Y', 'Yh'], { hidden_size: 3 }),
    node('Squeeze', ['Yh'], ['h'], { axes: [0] }), node('Dropout', ['h'], ['d', 'mask'], { ratio: { f: 0.25 } }), node('Tanh', ['d'], ['y'])],
  lstmInputs(3, 2), [4, 2], { opset: 11 }),
    ['  - lstm: {hidden: 3}', '  - dropout: {p: 0.25}', '  - tanh']],
  ['a Dropout node at opset 17 and a batch-first Gather of the last step', graph([
    node('Transpose', ['x'], ['tx'], { perm: [1, 0, 2] }), node('LSTM', ['tx', 'W', 'R'], ['Y', 'Yh'], { hidden_size: 2 }),
    node('Squeeze', ['Y', 'one'], ['s']), node('Transpose', ['s'], ['bf'], { perm: [1, 0, 2] }), node('Gather', ['bf', 'last'], ['g'], { axis: 1 }),
    node('Dropout', ['g', 'ratio'], ['y'])],
  [...lstmInputs(2, 3).slice(0, 2), i64('one', [1]), i64('last', [4], true), { ...t('ratio', []), rawData: new Uint8Array(new Float32Array([0.125]).buffer) }], [5, 3]),
    ['  - lstm: {hidden: 2, bias: false}', '  - dropout: {p: 0.125}']],
  ['a fixed batch: Reshapes to [3, -1, 3] and [3, -1], zero initial states as initializers', graph([
    node('Reshape', ['x', 'same'], ['s']), node('Transpose', ['s'], ['tx'], { perm: [1, 0, 2] }),
    node('LSTM', ['tx', 'W', 'R', 'B', '', 'h0', 'c0'], ['Y', 'Yh'], { hidden_size: 2 }), node('Squeeze', ['Y', 'one'], ['q']),
    node('Transpose', ['q'], ['bf'], { perm: [1, 0, 2] }), node('Reshape', ['bf', 'flat'], ['y'])],
  [i64('same', [3, -1, 3]), ...lstmInputs(2, 3), floatTensor('h0', [1, 3, 2], new Float32Array(6)), floatTensor('c0', [1, 3, 2], new Float32Array(6)), i64('one', [1]), i64('flat', [3, -1])],
  [4, 3], { batch: 3 }),
    ['  - lstm: {hidden: 2, output: sequence}', '  - flatten']],
];

describe.each(cases)('%s', (_what, bytes, yaml) => {
  it('imports, and netspec matches ONNX Runtime on the original graph', async () => {
    const r = importOnnx(bytes, 'g.onnx', { specPath: 'g.yaml' });
    expect(r.yaml).toContain(`layers:\n${yaml.join('\n')}\n`);
    const m = instantiate(compileModel(r.model), { maxBatch: 7 });
    m.loadWeights(r.weights);
    const results = await compareWithOnnxRuntime(bytes, (x, n) => Float32Array.from(m.forward(x, n)), r.model.inputShape, {
      inputName: 'x',
      outputName: r.graph.outputName,
      batches: r.graph.fixedBatch ? [r.graph.fixedBatch] : undefined,
    });
    for (const res of results) expect(res.maxRelDiff).toBeLessThanOrEqual(CHECK_TOLERANCE);
  });
});
