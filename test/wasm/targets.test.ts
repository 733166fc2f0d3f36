// The wasm target against the TypeScript target on small specs covering every op and
// attribute form (conv stride/padding/dilation, pools with padding, lstm last/sequence,
// dropout, softmax, sigmoid, tanh, blocks), every loss and optimizer setting: forward within
// 1e-5 relative, loss 1e-5, gradients 1e-4, blocks 1e-5, weights after 3 steps 1e-4.
import { describe, it } from 'vitest';
import { OP_SPECS, targetErrors } from './checks.js';
import { expectTargets } from './expect.js';

describe.each(Object.keys(OP_SPECS))('wasm vs ts: %s', (name) => {
  it.each([1, 5, 8])('batch %i', async (batch) => {
    const e = await targetErrors(OP_SPECS[name], 'simd', batch);
    expectTargets(e);
  });
});
