// netspec export: every shipped spec and every extra spec (each op and attribute combination)
// runs in ONNX Runtime at batch 1 and 7 within 1e-5 of netspec's forward; the graph has the
// contract's form (IR 8, opset 17, dynamic batch, named input/output, one node per op).
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECK_TOLERANCE, formatCheck } from '../../compiler/emit/onnx-check.js';
import { attributeValue, decodeModel, tensorValues, type ModelProto, type ValueInfoProto } from '../../compiler/emit/onnx-proto.js';
import { check, EXTRA_SPECS, exportSpec, measured, SHIPPED_SPECS } from './helpers.js';

const opTypes = (m: ModelProto) => m.graph!.node!.map((n) => n.opType);
const attr = (m: ModelProto, op: string, name: string) =>
  m.graph!.node!.filter((n) => n.opType === op).map((n) => attributeValue(n.attribute!.find((a) => a.name === name)!));
const dims = (v: ValueInfoProto[]) => v[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));

describe.each([...SHIPPED_SPECS, ...EXTRA_SPECS].map((p) => [basename(p), p]))('%s', (_name, path) => {
  it('exports and matches ONNX Runtime at batch 1 and 7 (max relative difference ≤ 1e-5)', async () => {
    const e = exportSpec(path);
    const results = await check(e);
    measured.push(`${basename(path).padEnd(28)} ${formatCheck(results)}`);
    expect(results.map((r) => r.batch)).toEqual([1, 7]);
    for (const r of results) expect(r.maxRelDiff).toBeLessThanOrEqual(CHECK_TOLERANCE);
  });
});

afterAll(() => {
  if (measured.length > 0) console.log(`ONNX Runtime vs netspec forward:\n${measured.join('\n')}`);
});

describe('the exported graph', () => {
  it('has IR 8, opset 17, a dynamic batch, named input and output, doc strings, and the weights as initializers', () => {
    const e = exportSpec(SHIPPED_SPECS.find((p) => p.endsWith('/cnn.yaml'))!);
    const m = decodeModel(e.bytes);
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport!.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(m.producerName).toBe('netspec');
    expect(m.graph!.name).toBe('cnn');
    expect(m.graph!.docString).toBe('The seed CNN on 3×28×28 images, 10 classes.');
    expect(m.docString).toBe('cnn: The seed CNN on 3×28×28 images, 10 classes.');
    expect(m.graph!.input!.map((i) => i.name)).toEqual(['input']);
    expect(m.graph!.output!.map((o) => o.name)).toEqual(['output']);
    expect(dims(m.graph!.input!)).toEqual(['batch', 3, 28, 28]);
    expect(dims(m.graph!.output!)).toEqual(['batch', 10]);
    expect(opTypes(m)).toEqual(['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Relu', 'Gemm']);
    const inits = new Map(m.graph!.initializer!.map((t) => [t.name!, tensorValues(t)!]));
    expect([...inits.keys()].sort()).toEqual([...e.weights.keys()].sort());
    const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const [name, w] of e.weights) expect(bytesOf(inits.get(name)!.floats!).equals(bytesOf(w)), name).toBe(true);
    expect(inits.get('conv1.weight')!.dims).toEqual([32, 3, 3, 3]);
    expect(inits.get('fc1.weight')!.dims).toEqual([128, 3136]);
    expect(attr(m, 'Gemm', 'transB')).toEqual([1, 1]);
    expect(m.graph!.node!.map((n) => n.name)).toContain('conv1/Conv');
  });

  it('maps the LSTM to one LSTM node per layer (not unrolled), gates reordered, biases concatenated', () => {
    const e = exportSpec(SHIPPED_SPECS.find((p) => p.endsWith('/rnn.yaml'))!);
    const m = decodeModel(e.bytes);
    expect(opTypes(m)).toEqual(['Transpose', 'LSTM', 'Squeeze', 'LSTM', 'Squeeze', 'Gemm']);
    expect(attr(m, 'LSTM', 'hidden_size')).toEqual([8, 8]);
    const inits = new Map(m.graph!.initializer!.map((t) => [t.name!, tensorValues(t)!]));
    const H = 8;
    const W = inits.get('lstm.W_l0')!;
    expect(W.dims).toEqual([1, 4 * H, 10]);
    const torchW = e.weights.get('lstm.weight_ih_l0')!;
    const block = (w: Float32Array, k: number, n: number) => Array.from(w.subarray(k * n, (k + 1) * n));
    // ONNX i, o, f, c ← PyTorch i, f, g, o
    [0, 3, 1, 2].forEach((from, to) => expect(block(W.floats!, to, H * 10)).toEqual(block(torchW, from, H * 10)));
    const B = inits.get('lstm.B_l1')!;
    expect(B.dims).toEqual([1, 8 * H]);
    expect(block(B.floats!, 1, 4 * H)).toEqual([0, 3, 1, 2].flatMap((f) => block(e.weights.get('lstm.bias_hh_l1')!, f, H)));
  });

  it('writes AveragePool with count_include_pad=1, Softmax over axis -1, and no node for dropout', () => {
    const m = decodeModel(exportSpec(EXTRA_SPECS.find((p) => p.endsWith('/conv-attributes.yaml'))!).bytes);
    expect(attr(m, 'AveragePool', 'count_include_pad')).toEqual([1]);
    expect(attr(m, 'AveragePool', 'pads')).toEqual([[1, 1, 1, 1]]);
    expect(attr(m, 'Conv', 'pads')).toEqual([[1, 2, 1, 2], [1, 1, 1, 1]]);
    expect(attr(m, 'Conv', 'dilations')).toEqual([[2, 1], [2, 2]]);
    expect(attr(m, 'Softmax', 'axis')).toEqual([-1]);
    const b = decodeModel(exportSpec(EXTRA_SPECS.find((p) => p.endsWith('/blocks.yaml'))!).bytes);
    expect(opTypes(b)).not.toContain('Dropout');
    expect(b.graph!.node!.at(-1)!.output).toEqual(['output']);
    expect(b.metadataProps!.map((p) => p.key)).toEqual(['netspec:layer:encoder.2', 'netspec:layer:layers.1', 'netspec:layer:layers.3']);
    const only = decodeModel(exportSpec(EXTRA_SPECS.find((p) => p.endsWith('/only-dropout.yaml'))!).bytes);
    expect(opTypes(only)).toEqual(['Identity']);
  });
});
