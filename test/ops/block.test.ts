import { describe, expect, it } from 'vitest';
import type { NetspecModel } from '../../runtime/model.js';
import { createRng } from '../../runtime/rng.js';
import { build, expectGradients, spec, uniform } from './gradcheck.js';

const autoencoder = spec([5], [
  'block: {name: encoder, layers: [{dense: {units: 3}}, relu, {dense: {name: code, units: 2}}]}',
  'block: {name: decoder, layers: [{dense: {units: 3}}, tanh, {dense: {units: 5}}]}',
]);

/** Copy parameters from `from` (names with a prefix) into a model of the same layers alone. */
function copyParams(from: NetspecModel, to: NetspecModel, rename: (name: string) => string): void {
  for (const p of to.info.params) to.param(p.name).set(from.param(rename(p.name)));
}

describe('block', () => {
  it('names parameters <block>.<index or name>.<suffix>', () => {
    const { model } = build(autoencoder, { maxBatch: 1 });
    expect(model.info.params.map((p) => p.name)).toEqual([
      'encoder.0.weight', 'encoder.0.bias', 'encoder.code.weight', 'encoder.code.bias',
      'decoder.0.weight', 'decoder.0.bias', 'decoder.2.weight', 'decoder.2.bias',
    ]);
  });

  it('model.<block>.forward equals running its layers alone, and forward is decoder ∘ encoder', () => {
    const n = 3;
    const { model } = build(autoencoder, { maxBatch: n, seed: 11 });
    const enc = build(spec([5], ['dense: {units: 3}', 'relu', 'dense: {units: 2}'], null), { maxBatch: n }).model;
    const dec = build(spec([2], ['dense: {units: 3}', 'tanh', 'dense: {units: 5}'], null), { maxBatch: n }).model;
    copyParams(model, enc, (name) => name.replace(/^layers\.2/, 'encoder.code').replace(/^layers/, 'encoder'));
    copyParams(model, dec, (name) => name.replace(/^layers/, 'decoder'));
    const x = uniform(createRng(4), n * 5);

    const encoder = model.encoder as NetspecModel['blocks'][string];
    expect(encoder.inputShape).toEqual([5]);
    expect(encoder.outputShape).toEqual([2]);
    const code = Float64Array.from(encoder.forward(x, n));
    expect(Array.from(code)).toEqual(Array.from(enc.forward(x, n)));

    const decoded = Array.from(model.blocks.decoder.forward(code, n));
    expect(decoded).toEqual(Array.from(dec.forward(code, n)));
    expect(Array.from(model.forward(x, n))).toEqual(decoded);
  });

  it('a block in the middle of a model runs on its own input', () => {
    const yaml = spec([2, 4, 4], [
      'conv2d: {filters: 2, kernel: 3, padding: 1}',
      'block: {name: mid, layers: [relu, {maxpool2d: {kernel: 2}}, flatten]}',
      'dense: {units: 3}',
    ]);
    const { model } = build(yaml, { maxBatch: 2 });
    const alone = build(spec([2, 4, 4], ['relu', 'maxpool2d: {kernel: 2}', 'flatten'], null), { maxBatch: 2 }).model;
    const h = uniform(createRng(6), 2 * 32);
    expect(model.blocks.mid.outputShape).toEqual([8]);
    expect(Array.from(model.blocks.mid.forward(h, 2))).toEqual(Array.from(alone.forward(h, 2)));
  });

  it('gradients through blocks match finite differences', () => {
    expectGradients(autoencoder, { batch: 3 });
  });

  it('gradients through a block of conv and pooling layers, under cross_entropy', () => {
    expectGradients(spec([1, 5, 5], [
      'block: {name: features, layers: [{conv2d: {filters: 2, kernel: 2}}, tanh, {avgpool2d: {kernel: 2}}]}',
      'flatten',
      'dense: {units: 3}',
    ], 'cross_entropy'), { batch: 2 });
  });
});
