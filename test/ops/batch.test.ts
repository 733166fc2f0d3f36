import { describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { createRng } from '../../runtime/rng.js';
import { build, spec, uniform } from './gradcheck.js';

const models: [string, number[], string[], string][] = [
  ['conv, maxpool, dense', [2, 6, 6], ['conv2d: {filters: 3, kernel: 3, padding: 1, stride: 2}', 'relu', 'maxpool2d: {kernel: 2, stride: 1}', 'flatten', 'dense: {units: 4}'], 'cross_entropy'],
  ['avgpool with padding, softmax', [1, 5, 5], ['avgpool2d: {kernel: 3, stride: 2, padding: 1}', 'flatten', 'dense: {units: 3}', 'softmax'], 'mse'],
  ['stacked lstm, dropout', [4, 3], ['lstm: {hidden: 3, layers: 2, output: sequence}', 'dropout: {p: 0.5}', 'lstm: {hidden: 2}', 'dense: {units: 3}'], 'cross_entropy'],
  ['blocks', [6], ['block: {name: enc, layers: [{dense: {units: 4}}, sigmoid]}', 'block: {name: dec, layers: [{dense: {units: 6}}, tanh]}'], 'mse'],
];

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe('batches', () => {
  it.each(models)('%s: forward of 3 samples equals each sample alone', (_, shape, layers, loss) => {
    const { model } = build(spec(shape, layers, loss), { maxBatch: 3, seed: 2 });
    const per = size(shape);
    const x = uniform(createRng(9), 3 * per);
    const batch = Array.from(model.forward(x, 3));
    const out = batch.length / 3;
    for (let s = 0; s < 3; s++) {
      expect(Array.from(model.forward(x.subarray(s * per, (s + 1) * per), 1))).toEqual(batch.slice(s * out, (s + 1) * out));
    }
  });

  it.each(models.filter((m) => !m[2].some((l) => l.startsWith('dropout'))))(
    '%s: the loss and gradients of a batch are the means of each sample\'s',
    (_, shape, layers, loss) => {
      const { compiled, model } = build(spec(shape, layers, loss), { maxBatch: 3, seed: 2 });
      const per = size(shape);
      const rng = createRng(10);
      const x = uniform(rng, 3 * per);
      const t = compiled.description.target!;
      const tPer = Math.max(1, size(t.shape));
      const y = t.classes !== undefined ? Float64Array.from([0, 2, 1]) : uniform(rng, 3 * tPer);
      const names = model.info.params.map((p) => p.name);
      const lossAll = model.computeGradients(x, y, 3);
      const gradsAll = names.map((n) => Float64Array.from(model.grad(n)));
      const dxAll = Float64Array.from(model.inputGrad(3));
      let lossSum = 0;
      const gradSum = names.map((n) => new Float64Array(model.grad(n).length));
      for (let s = 0; s < 3; s++) {
        lossSum += model.computeGradients(x.subarray(s * per, (s + 1) * per), y.subarray(s * tPer, (s + 1) * tPer), 1);
        names.forEach((n, k) => model.grad(n).forEach((g, j) => (gradSum[k][j] += g / 3)));
        // the input gradient is per sample: the batch's is the single sample's divided by n
        model.inputGrad(1).forEach((g, j) => expect(dxAll[s * per + j]).toBeCloseTo(g / 3, 14));
      }
      expect(lossAll).toBeCloseTo(lossSum / 3, 14);
      gradsAll.forEach((g, k) => g.forEach((v, j) => expect(v).toBeCloseTo(gradSum[k][j], 14)));
    },
  );

  it('a batch over maxBatch (or not a positive integer) is a NetspecError naming the limit', () => {
    const { model } = build(spec([2], ['dense: {units: 2}', 'block: {name: head, layers: [relu]}'], 'mse'), { maxBatch: 2 });
    expect(() => model.forward(new Float64Array(6), 3)).toThrow(NetspecError);
    expect(() => model.forward(new Float64Array(6), 3)).toThrow(/batch size 3 is outside 1\.\.2/);
    expect(() => model.forward([], 0)).toThrow(NetspecError);
    expect(() => model.forward([1, 2, 3], 1.5)).toThrow(NetspecError);
    expect(() => model.computeGradients(new Float64Array(6), new Float64Array(6), 3)).toThrow(/outside 1\.\.2/);
    expect(() => model.blocks.head.forward(new Float64Array(6), 3)).toThrow(/head\.forward: batch size 3/);
    expect(() => model.inputGrad(3)).toThrow(NetspecError);
  });

  it('an input of the wrong length is a NetspecError with the expected count', () => {
    const { model } = build(spec([2, 3], ['flatten'], 'mse'), { maxBatch: 2 });
    expect(() => model.forward(new Float64Array(5), 1)).toThrow(/expected 1×\[2,3\] = 6 values, got 5/);
  });
});
