// PyTorch-exported models (test/onnx/make_torch_onnx.py: torch.onnx.export at opset 13 and 17)
// import as specs whose forward matches PyTorch's saved output and ONNX Runtime, with the
// weights under PyTorch's state_dict names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel, instantiate } from '../../compiler/build.js';
import { compareWithOnnxRuntime, relativeDifference } from '../../compiler/emit/onnx-check.js';
import { importOnnx } from '../../compiler/import/onnx-spec.js';
import { readNpy } from '../../runtime/npy.js';
import { readSafetensors } from '../../runtime/safetensors.js';
import { FIXTURES } from './helpers.js';

const cases = {
  conv: {
    yaml: [
      'layers:',
      '  - block:',
      '      name: features',
      '      layers:',
      '        - conv2d: {filters: 4, kernel: 3, padding: 1}',
      '        - relu',
      '        - dropout',
      '        - maxpool2d: {kernel: 2}',
      '        - conv2d: {filters: 6, kernel: [3, 2], stride: [1, 2], bias: false}',
      '        - tanh',
      '        - avgpool2d: {kernel: 3, stride: 1, padding: 1}',
      '  - flatten',
      '  - dense: {name: fc1, units: 5}',
      '  - sigmoid',
      '  - softmax',
    ],
    state: ['features.0.bias', 'features.0.weight', 'features.4.weight', 'fc1.bias', 'fc1.weight'],
    notes: ['features.2 has no node in the graph (a dropout or identity at inference): imported as dropout p=0.5'],
  },
  lstm: {
    yaml: ['layers:', '  - lstm: {name: lstm, hidden: 4, layers: 2}', '  - dense: {name: fc, units: 2}'],
    state: ['fc.bias', 'fc.weight', ...[0, 1].flatMap((l) => ['bias_hh', 'bias_ih', 'weight_hh', 'weight_ih'].map((s) => `lstm.${s}_l${l}`))],
    notes: [],
  },
  lstm_hn: {
    yaml: ['layers:', '  - lstm: {name: rnn, hidden: 5, layers: 2}', '  - relu', '  - dense: {name: head, units: 3}'],
    state: ['head.bias', 'head.weight', ...[0, 1].flatMap((l) => ['bias_hh', 'bias_ih', 'weight_hh', 'weight_ih'].map((s) => `rnn.${s}_l${l}`))],
    notes: [],
  },
};

const npy = (name: string) => {
  const a = readNpy(new Uint8Array(readFileSync(join(FIXTURES, name))), name);
  return { shape: a.shape, data: a.data as Float32Array };
};

describe.each(Object.entries(cases).flatMap(([name, c]) => [13, 17].map((opset) => [`${name}_opset${opset}`, name, c] as const)))('%s', (file, name, c) => {
  it("imports as a spec matching PyTorch's output (≤ 1e-5 relative) with state_dict names", async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, `${file}.onnx`)));
    const r = importOnnx(bytes, `${file}.onnx`, { specPath: `${name}.yaml` });
    expect(r.yaml).toContain(c.yaml.join('\n'));
    expect(r.model.name).toBe(name);
    expect(r.notes).toEqual(c.notes);
    const w = readSafetensors(r.weights);
    expect([...w.keys()].sort()).toEqual([...c.state].sort());
    const x = npy(`${name}_x.npy`);
    const y = npy(`${name}_y.npy`);
    const m = instantiate(compileModel(r.model), { maxBatch: 7 });
    m.loadWeights(r.weights);
    const got = Float32Array.from(m.forward(x.data, x.shape[0]));
    expect(relativeDifference(got, y.data).rel).toBeLessThanOrEqual(1e-5);
    const ort = await compareWithOnnxRuntime(bytes, (xs, n) => Float32Array.from(m.forward(xs, n)), r.model.inputShape, { inputName: 'x', outputName: 'y' });
    for (const res of ort) expect(res.maxRelDiff).toBeLessThanOrEqual(1e-5);
  });
});
