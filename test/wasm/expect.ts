// The bounds every wasm suite asserts (the TypeScript target's, test/reference/parity.test.ts).
import { expect } from 'vitest';
import type { ReferenceErrors, TargetErrors } from './checks.js';

export function expectReference(e: ReferenceErrors): void {
  expect(e.output).toBeLessThan(1e-5);
  expect(e.loss).toBeLessThan(1e-5);
  expect(e.grad).toBeLessThan(1e-4);
  expect(e.losses3).toBeLessThan(1e-5);
  // where torch's own float32 run is further than 1e-4 from its float64 run (the autoencoder's
  // Adam steps on cancelling pre-activations), be no further from float64 than torch float32 is
  expect(e.after3f64).toBeLessThan(Math.max(1e-4, e.floor));
  if (e.floor < 1e-4) expect(e.after3).toBeLessThan(1e-4);
}

export function expectTargets(e: TargetErrors): void {
  expect(e.forward).toBeLessThan(1e-5);
  expect(e.loss).toBeLessThan(1e-5);
  expect(e.grad).toBeLessThan(1e-4);
  expect(e.blocks).toBeLessThan(1e-5);
  expect(e.train).toBeLessThan(1e-4);
}
