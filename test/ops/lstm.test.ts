import { describe, expect, it } from 'vitest';
import type { NetspecModel } from '../../runtime/model.js';
import { createRng } from '../../runtime/rng.js';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** nn.LSTM (batch_first, gate order i, f, g, o) for one sample in plain float64: the top layer's h for every step. */
function referenceLstm(model: NetspecModel, x: ArrayLike<number>, T: number, F: number, H: number, layers: number, bias: boolean): number[][] {
  let seq: number[][] = Array.from({ length: T }, (_, t) => Array.from({ length: F }, (_, k) => x[t * F + k]));
  for (let l = 0; l < layers; l++) {
    const inF = l === 0 ? F : H;
    const Wih = model.param(`layers.0.weight_ih_l${l}`);
    const Whh = model.param(`layers.0.weight_hh_l${l}`);
    const bih = bias ? model.param(`layers.0.bias_ih_l${l}`) : new Float64Array(4 * H);
    const bhh = bias ? model.param(`layers.0.bias_hh_l${l}`) : new Float64Array(4 * H);
    let h = new Array<number>(H).fill(0);
    let c = new Array<number>(H).fill(0);
    const out: number[][] = [];
    for (let t = 0; t < T; t++) {
      const z = Array.from({ length: 4 * H }, (_, r) => {
        let acc = bih[r] + bhh[r];
        for (let k = 0; k < inF; k++) acc += Wih[r * inF + k] * seq[t][k];
        for (let k = 0; k < H; k++) acc += Whh[r * H + k] * h[k];
        return acc;
      });
      c = c.map((cj, j) => sig(z[H + j]) * cj + sig(z[j]) * Math.tanh(z[2 * H + j]));
      h = c.map((cj, j) => sig(z[3 * H + j]) * Math.tanh(cj));
      out.push(h);
    }
    seq = out;
  }
  return seq;
}

describe('lstm forward', () => {
  it('one hidden unit with hand-set weights, step by step', () => {
    const { model } = build(spec([3, 1], ['lstm: {hidden: 1, output: sequence}']), { maxBatch: 1 });
    const [wi, wf, wg, wo] = [0.5, -0.25, 1, 0.75];
    const [ui, uf, ug, uo] = [0.1, 0.2, -0.3, 0.4];
    const [bi, bf, bg, bo] = [0.05, 1, -0.1, 0]; // bias_ih + bias_hh
    model.param('layers.0.weight_ih_l0').set([wi, wf, wg, wo]);
    model.param('layers.0.weight_hh_l0').set([ui, uf, ug, uo]);
    model.param('layers.0.bias_ih_l0').set([0.05, 0.5, 0, -0.2]);
    model.param('layers.0.bias_hh_l0').set([0, 0.5, -0.1, 0.2]);
    const xs = [1, -2, 0.5];
    const expected: number[] = [];
    let h = 0;
    let c = 0;
    for (const x of xs) {
      const i = sig(wi * x + ui * h + bi);
      const f = sig(wf * x + uf * h + bf);
      const g = Math.tanh(wg * x + ug * h + bg);
      const o = sig(wo * x + uo * h + bo);
      c = f * c + i * g;
      h = o * Math.tanh(c);
      expected.push(h);
    }
    const y = model.forward(xs, 1);
    expected.forEach((v, t) => expect(y[t]).toBeCloseTo(v, 14));
    // the first step by hand: i = σ(0.55), g = tanh(0.9), o = σ(0.75), c = i·g, h = o·tanh(c)
    const c1 = sig(0.55) * Math.tanh(0.9);
    expect(y[0]).toBeCloseTo(sig(0.75) * Math.tanh(c1), 15);
  });

  it.each([
    { T: 4, F: 3, H: 2, layers: 1, output: 'sequence', bias: true },
    { T: 5, F: 2, H: 3, layers: 2, output: 'last', bias: true },
    { T: 3, F: 2, H: 2, layers: 3, output: 'sequence', bias: false },
    { T: 1, F: 4, H: 3, layers: 2, output: 'last', bias: false },
  ])('matches a plain nn.LSTM recurrence: %j', ({ T, F, H, layers, output, bias }) => {
    const { model } = build(spec([T, F], [`lstm: {hidden: ${H}, layers: ${layers}, output: ${output}, bias: ${bias}}`]), { maxBatch: 2 });
    const x = uniform(createRng(5), 2 * T * F);
    const y = Array.from(model.forward(x, 2));
    const per = output === 'last' ? H : T * H;
    for (let s = 0; s < 2; s++) {
      const seq = referenceLstm(model, x.subarray(s * T * F), T, F, H, layers, bias);
      const want = output === 'last' ? seq[T - 1] : seq.flat();
      want.forEach((v, k) => expect(y[s * per + k]).toBeCloseTo(v, 13));
    }
  });
});

describe('lstm gradients (float64 finite differences, through time)', () => {
  // With T = 1 the recurrent weights only ever multiply h₀ = 0: their gradient is exactly zero.
  it.each([
    ['T = 1, one layer, last', [1, 3], 'hidden: 2', ['layers.0.weight_hh_l0']],
    ['T = 5, one layer, last', [5, 2], 'hidden: 3'],
    ['T = 5, one layer, sequence', [5, 2], 'hidden: 2, output: sequence'],
    ['T = 5, one layer, no bias', [5, 3], 'hidden: 2, bias: false'],
    ['T = 5, two layers, last', [5, 2], 'hidden: 2, layers: 2'],
    ['T = 4, two layers, sequence, no bias', [4, 3], 'hidden: 3, layers: 2, output: sequence, bias: false'],
    ['T = 1, two layers, sequence', [1, 2], 'hidden: 2, layers: 2, output: sequence', ['layers.0.weight_hh_l0', 'layers.0.weight_hh_l1']],
  ])('%s', (_, shape, attrs, zero?: string[]) => {
    expectGradients(spec(shape as number[], [`lstm: {${attrs}}`]), { batch: 2, zero });
  });

  it('two lstm layers in a row, then dense under cross_entropy (the rnn shape)', () => {
    expectGradients(spec([4, 2], ['lstm: {hidden: 3, output: sequence}', 'lstm: {hidden: 2}', 'dense: {units: 3}'], 'cross_entropy'), { batch: 3 });
  });

  it('after an activation (its input gradient written to another layer)', () => {
    expectGradients(spec([3, 2], ['tanh', 'lstm: {hidden: 2, output: sequence}']), { batch: 2 });
  });
});
