// The wasm target (plain SIMD128 variant) against the PyTorch fixtures of test/reference:
// output and loss within 1e-5 relative, gradients within 1e-4, 3 optimizer steps as the
// TypeScript target's parity test bounds them.
import { describe, expect, it } from 'vitest';
import { relaxedSimdSupported } from '../../runtime/wasm.js';
import { NETS, referenceErrors } from './checks.js';
import { expectReference } from './expect.js';

describe.each(NETS)('wasm %s matches PyTorch', (net) => {
  it('output, loss, gradients and 3 training steps', async () => {
    const e = await referenceErrors(net, 'simd');
    console.log(`wasm simd ${net}: ${JSON.stringify(e)}`);
    expectReference(e);
  });
});

it('this node runs the plain SIMD128 variant unless relaxed SIMD is enabled', () => {
  expect(relaxedSimdSupported()).toBe(process.execArgv.includes('--experimental-wasm-relaxed-simd'));
});
