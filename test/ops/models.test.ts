// Every op together: deeper stacks in which buffers share arena memory, ops feed each other's
// gradients, and (with maxBatch above the batch) kernels must only touch the n samples given.
import { describe, it } from 'vitest';
import { expectGradients, spec } from './gradcheck.js';

describe('gradients of whole models (float64 finite differences)', () => {
  it.each([
    ['a small cnn', [2, 8, 8], [
      'conv2d: {name: conv1, filters: 3, kernel: 3, padding: 1}', 'relu', 'maxpool2d: {kernel: 2}',
      'conv2d: {name: conv2, filters: 2, kernel: 3, padding: 1, stride: 2}', 'tanh', 'avgpool2d: {kernel: 2, padding: 1}',
      'flatten', 'dropout: {p: 0.25}', 'dense: {name: fc1, units: 5}', 'sigmoid', 'dense: {name: fc2, units: 3}',
    ], 'cross_entropy'],
    ['an rnn', [4, 3], [
      'lstm: {hidden: 3, layers: 2, output: sequence}', 'dropout: {p: 0.3}', 'softmax', 'lstm: {hidden: 2}', 'dense: {units: 3}',
    ], 'cross_entropy'],
    ['an autoencoder of blocks', [6], [
      'block: {name: encoder, layers: [{dense: {units: 4}}, relu, {dense: {units: 2}}, tanh]}',
      'block: {name: decoder, layers: [{dense: {units: 4}}, relu, {dense: {units: 6}}, sigmoid]}',
    ], 'mse'],
  ])('%s', (_, shape, layers, loss) => {
    expectGradients(spec(shape as number[], layers as string[], loss as string), { batch: 2, maxBatch: 5, maxPerTensor: 40 });
  });
});
