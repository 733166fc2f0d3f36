// The wasm target's exp and tanh (compiler/emit/wasm-math.ts) against Math: within 2 ulp of
// float32 over the range (results under 2^-124 may flush to 0), and the special values.
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';
import { addMathFunctions } from '../../compiler/emit/wasm-math.js';

function build(): Record<string, (x: number) => number> {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.SIMD128 | binaryen.Features.NontrappingFPToInt);
  addMathFunctions(m);
  for (const f of ['expf', 'tanhf', 'logf']) m.addFunctionExport(f, f);
  binaryen.setOptimizeLevel(3);
  m.optimize();
  const bytes = m.emitBinary();
  m.dispose();
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {}).exports as Record<string, (x: number) => number>;
}

const ulp = (y: number) => {
  const a = Math.abs(Math.fround(y));
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
};

describe('wasm exp and tanh', () => {
  const ex = build();
  const xs: number[] = [];
  for (let i = -2000; i <= 2000; i++) xs.push(Math.fround(i * 0.0443)); // −88.6 … 88.6
  for (let i = -300; i <= 300; i++) xs.push(Math.fround(i * 0.5 / 512)); // near 0, ties of x·log2e
  for (let k = 0; k < 40; k++) xs.push(Math.fround(Math.LN2 * (k - 20)), Math.fround(Math.LN2 * (k - 20.5)));

  it('exp is within 2 ulp of Math.exp, and in [0, 2^-124] below that', () => {
    for (const x of xs) {
      const want = Math.exp(x);
      // near the bottom of the normal range (2^(n−1) no longer a normal float) results may flush to 0
      if (want < 2 ** -124) {
        expect(ex.expf(x)).toBeGreaterThanOrEqual(0);
        expect(ex.expf(x)).toBeLessThanOrEqual(2 ** -124);
        continue;
      }
      if (want > 3.4e38) continue;
      expect(Math.abs(ex.expf(x) - want), `exp(${x})`).toBeLessThanOrEqual(2 * ulp(want));
    }
  });

  it('tanh is within 2 ulp of Math.tanh', () => {
    for (const x of xs.filter((v) => Math.abs(v) < 20)) {
      const want = Math.tanh(x);
      expect(Math.abs(ex.tanhf(x) - want), `tanh(${x})`).toBeLessThanOrEqual(2 * ulp(want) + 1e-45);
    }
  });

  it('special values', () => {
    expect(ex.expf(NaN)).toBeNaN();
    expect(ex.expf(-Infinity)).toBe(0);
    expect(ex.expf(-200)).toBeLessThan(1e-37);
    expect(ex.expf(Infinity)).toBeGreaterThan(3.4e38);
    expect(ex.expf(0)).toBe(1);
    expect(ex.expf(-0)).toBe(1);
    expect(ex.tanhf(NaN)).toBeNaN();
    expect(ex.tanhf(Infinity)).toBe(1);
    expect(ex.tanhf(-Infinity)).toBe(-1);
    expect(ex.tanhf(-0)).toBe(0);
  });
});
