// The relaxed-SIMD variant (f32x4.relaxed_madd): node 20 runs it only behind a flag, so a
// child process started with --experimental-wasm-relaxed-simd runs the same checks.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expectReference, expectTargets } from './expect.js';
import type { ReferenceErrors, TargetErrors } from './checks.js';

describe('relaxed SIMD variant', () => {
  it('is detected and matches PyTorch and the TypeScript target', () => {
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'test/wasm/relaxed-child.ts'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { supported: boolean; reference: Record<string, ReferenceErrors>; targets: Record<string, TargetErrors> };
    expect(out.supported).toBe(true);
    for (const [net, e] of Object.entries(out.reference)) {
      console.log(`wasm relaxed ${net}: ${JSON.stringify(e)}`);
      expectReference(e);
    }
    for (const e of Object.values(out.targets)) expectTargets(e);
  }, 150_000);
});
