// Valid specs check clean, with every layer's prefix, op, output shape, parameter count and
// forward FLOPs per sample asserted. Expected FLOPs are computed here from the formulas of
// docs/spec.md (a multiply-add counts 2), never by calling an op's flops().
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { summarize, type LayerRow } from '../../compiler/summary.js';
import type { Model } from '../../compiler/ir/graph.js';

const ROOT = join(import.meta.dirname, '..', '..');

function check(rel: string): Model {
  const r = checkSource(rel, readFileSync(join(ROOT, rel), 'utf8'));
  expect(r.diagnostics).toEqual([]);
  expect(r.model).toBeDefined();
  return r.model!;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
// The documented formulas, per sample.
const f = {
  /** 2·C·kh·kw per output element, + 1 per output element for the bias. */
  conv: (C: number, kh: number, kw: number, out: number[], bias = true) => 2 * C * kh * kw * prod(out) + (bias ? prod(out) : 0),
  /** 2·in·units, + units for the bias. */
  dense: (inF: number, units: number, bias = true) => 2 * inF * units + (bias ? units : 0),
  /** kh·kw per output element (compares or adds). */
  pool: (kh: number, kw: number, out: number[]) => kh * kw * prod(out),
  /** Per layer l: T·(8H·(in_l + H) + 8H for the biases + 10H for the cell update). */
  lstm: (T: number, F: number, H: number, layers: number, bias = true) => {
    let total = 0;
    for (let l = 0; l < layers; l++) total += T * (8 * H * ((l === 0 ? F : H) + H) + (bias ? 8 * H : 0) + 10 * H);
    return total;
  },
  relu: (out: number[]) => prod(out),
  sigmoid: (out: number[]) => 4 * prod(out),
  tanh: (out: number[]) => 4 * prod(out),
  softmax: (out: number[]) => 5 * prod(out),
  dropout: (out: number[]) => prod(out),
};
const row = (name: string, op: string, output: number[], params: number, flops: number): LayerRow => ({ name, op, output, params, flops });

function seedCnn(C: number): LayerRow[] {
  return [
    row('conv1', 'conv2d', [32, 28, 28], 32 * C * 9 + 32, f.conv(C, 3, 3, [32, 28, 28])),
    row('layers.1', 'relu', [32, 28, 28], 0, f.relu([32, 28, 28])),
    row('layers.2', 'maxpool2d', [32, 14, 14], 0, f.pool(2, 2, [32, 14, 14])),
    row('conv2', 'conv2d', [64, 14, 14], 64 * 32 * 9 + 64, f.conv(32, 3, 3, [64, 14, 14])),
    row('layers.4', 'relu', [64, 14, 14], 0, f.relu([64, 14, 14])),
    row('layers.5', 'maxpool2d', [64, 7, 7], 0, f.pool(2, 2, [64, 7, 7])),
    row('layers.6', 'flatten', [3136], 0, 0),
    row('fc1', 'dense', [128], 3136 * 128 + 128, f.dense(3136, 128)),
    row('layers.8', 'relu', [128], 0, f.relu([128])),
    row('fc2', 'dense', [10], 128 * 10 + 10, f.dense(128, 10)),
  ];
}

const shipped: Record<string, { rows: LayerRow[]; params: number; input: number[]; output: number[]; loss: string; optimizer: string }> = {
  'specs/cnn.yaml': { rows: seedCnn(3), params: 422_218, input: [3, 28, 28], output: [10], loss: 'cross_entropy', optimizer: 'sgd' },
  'specs/mnist-cnn.yaml': { rows: seedCnn(1), params: 421_642, input: [1, 28, 28], output: [10], loss: 'cross_entropy', optimizer: 'sgd' },
  'specs/rnn.yaml': {
    rows: [
      // l0: W_ih [32,10], W_hh [32,8], b_ih, b_hh [32]; l1: W_ih [32,8], W_hh [32,8], biases
      row('lstm', 'lstm', [8], 32 * 10 + 32 * 8 + 64 + 32 * 8 + 32 * 8 + 64, f.lstm(16, 10, 8, 2)),
      row('fc', 'dense', [2], 8 * 2 + 2, f.dense(8, 2)),
    ],
    params: 1_234,
    input: [16, 10],
    output: [2],
    loss: 'cross_entropy',
    optimizer: 'adam',
  },
  'specs/autoencoder.yaml': {
    rows: [
      [784, 400, 'encoder'], [400, 300, 'encoder'], [300, 300, 'encoder'],
      [300, 300, 'decoder'], [300, 400, 'decoder'], [400, 784, 'decoder'],
    ].flatMap(([inF, units, block], k) => {
      const i = (k % 3) * 2;
      const dense = row(`${block}.${i}`, 'dense', [units as number], (inF as number) * (units as number) + (units as number), f.dense(inF as number, units as number));
      return k === 5 ? [dense] : [dense, row(`${block}.${i + 1}`, 'relu', [units as number], 0, f.relu([units as number]))];
    }),
    params: 1_049_684,
    input: [784],
    output: [784],
    loss: 'mse',
    optimizer: 'adam',
  },
};

describe('shipped specs', () => {
  it.each(Object.keys(shipped))('%s checks clean with its exact per-layer table', (rel) => {
    const want = shipped[rel];
    const s = summarize(check(rel));
    expect(s.layers).toEqual(want.rows);
    expect(s.totalParams).toBe(want.params);
    expect(s.totalParams).toBe(want.rows.reduce((a, r) => a + r.params, 0));
    expect(s.totalFlops).toBe(want.rows.reduce((a, r) => a + r.flops, 0));
    expect([s.input, s.output, s.loss, s.optimizer]).toEqual([want.input, want.output, want.loss, want.optimizer]);
  });

  it('the seed CNN totals 9,498,634 FLOPs per sample', () => {
    expect(summarize(check('specs/cnn.yaml')).totalFlops).toBe(9_498_634);
  });

  it('the autoencoder keeps its blocks, and their ranges of layers', () => {
    const m = check('specs/autoencoder.yaml');
    expect(m.blocks.map((b) => [b.name, b.from, b.to])).toEqual([['encoder', 0, 6], ['decoder', 6, 11]]);
  });

  it('optimizers get torch.optim defaults for what the spec leaves out', () => {
    expect(check('specs/cnn.yaml').optimizer).toEqual({ kind: 'sgd', lr: 0.001, momentum: 0.9, dampening: 0, nesterov: false, weight_decay: 0 });
    expect(check('specs/rnn.yaml').optimizer).toEqual({ kind: 'adam', lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 });
  });

  it('every shipped spec points editors at the committed schema', () => {
    for (const rel of Object.keys(shipped)) {
      expect(readFileSync(join(ROOT, rel), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../netspec.schema.json');
    }
  });
});

describe('valid specs covering every op and attribute', () => {
  it('conv2d with [h, w] sizes, stride, padding, dilation, no bias; pools with padding; every activation', () => {
    const m = check('test/spec/valid/every-conv-attribute.yaml');
    // H: floor((32 + 2·1 − 2·(3−1) − 1)/2) + 1 = 15;  W: floor((32 + 2·2 − 1·(5−1) − 1)/2) + 1 = 16
    // maxpool k3 s2 p1: floor((15 + 2 − 3)/2) + 1 = 8, floor((16 + 2 − 3)/2) + 1 = 8
    // avgpool k2 (stride = kernel) p1: floor((8 + 2 − 2)/2) + 1 = 5
    expect(summarize(m).layers).toEqual([
      row('conv', 'conv2d', [8, 15, 16], 8 * 3 * 3 * 5, f.conv(3, 3, 5, [8, 15, 16], false)),
      row('layers.1', 'relu', [8, 15, 16], 0, f.relu([8, 15, 16])),
      row('layers.2', 'maxpool2d', [8, 8, 8], 0, f.pool(3, 3, [8, 8, 8])),
      row('layers.3', 'avgpool2d', [8, 5, 5], 0, f.pool(2, 2, [8, 5, 5])),
      row('layers.4', 'sigmoid', [8, 5, 5], 0, f.sigmoid([8, 5, 5])),
      row('squash', 'tanh', [8, 5, 5], 0, f.tanh([8, 5, 5])),
      row('layers.6', 'flatten', [200], 0, 0),
      row('layers.7', 'dropout', [200], 0, f.dropout([200])),
      row('out', 'dense', [10], 200 * 10, f.dense(200, 10, false)),
      row('layers.9', 'softmax', [10], 0, f.softmax([10])),
    ]);
    expect(m.nodes[0].attrs).toEqual({ filters: 8, kernel: [3, 5], stride: [2, 2], padding: [1, 2], dilation: [2, 1], bias: false });
    expect(m.nodes[3].attrs).toEqual({ kernel: [2, 2], stride: [2, 2], padding: [1, 1] });
    expect(m.nodes[7].attrs).toEqual({ p: 0.25 });
    expect(m.optimizer).toEqual({ kind: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weight_decay: 0.0001 });
    expect(m.loss?.name).toBe('mse');
  });

  it('lstm with output: sequence, stacked, without bias; softmax over the last axis; flatten; dense', () => {
    const m = check('test/spec/valid/lstm-sequence.yaml');
    expect(summarize(m).layers).toEqual([
      // l0: W_ih [20,6], W_hh [20,5]; l1, l2: W_ih [20,5], W_hh [20,5]
      row('enc', 'lstm', [12, 5], 20 * 6 + 20 * 5 + 2 * (20 * 5 + 20 * 5), f.lstm(12, 6, 5, 3, false)),
      row('layers.1', 'softmax', [12, 5], 0, f.softmax([12, 5])),
      row('layers.2', 'flatten', [60], 0, 0),
      row('layers.3', 'dense', [3], 60 * 3 + 3, f.dense(60, 3)),
    ]);
    expect(m.optimizer).toEqual({ kind: 'adam', lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weight_decay: 0.01 });
  });

  it('nested blocks name their layers block.i, or block.name when named; bare ops get defaults', () => {
    const m = check('test/spec/valid/nested-blocks.yaml');
    expect(summarize(m).layers).toEqual([
      row('features.0', 'conv2d', [4, 10, 10], 4 * 9 + 4, f.conv(1, 3, 3, [4, 10, 10])),
      row('features.1', 'relu', [4, 10, 10], 0, f.relu([4, 10, 10])),
      row('features.down.0', 'maxpool2d', [4, 5, 5], 0, f.pool(2, 2, [4, 5, 5])),
      row('features.down.mix', 'conv2d', [2, 5, 5], 2 * 4 + 2, f.conv(4, 1, 1, [2, 5, 5])),
      row('layers.1', 'flatten', [50], 0, 0),
      row('head.0', 'dense', [5], 50 * 5 + 5, f.dense(50, 5)),
      row('head.1', 'dropout', [5], 0, f.dropout([5])),
      row('head.logits', 'dense', [2], 5 * 2 + 2, f.dense(5, 2)),
    ]);
    expect(m.blocks.map((b) => [b.name, b.from, b.to])).toEqual([['down', 2, 4], ['features', 0, 4], ['head', 5, 8]]);
    expect(m.nodes[2].attrs).toEqual({ kernel: [2, 2], stride: [2, 2], padding: [0, 0] });
    expect(m.nodes[6].attrs).toEqual({ p: 0.5 });
    expect(m.loss).toBeUndefined();
    expect(m.optimizer).toBeUndefined();
  });

  it('a minimal spec: one bare op, no loss, no optimizer', () => {
    const r = checkSource('min.yaml', 'netspec: 1\nname: m\ninput: {shape: [7]}\nlayers: [tanh]\n');
    expect(r.diagnostics).toEqual([]);
    expect(summarize(r.model!).layers).toEqual([row('layers.0', 'tanh', [7], 0, f.tanh([7]))]);
  });
});
