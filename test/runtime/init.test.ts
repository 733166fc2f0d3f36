import { describe, expect, it } from 'vitest';
import { biasInit, fanIn, initParameter, kaimingUniformInit, lstmInit } from '../../runtime/init.js';
import { Rng } from '../../runtime/rng.js';

describe('PyTorch default init bounds', () => {
  it('kaiming_uniform(a=sqrt(5)) gives bound 1/sqrt(fan_in), computed as PyTorch does', () => {
    // Python: math.sqrt(3.0) * (math.sqrt(2.0 / (1 + math.sqrt(5) ** 2)) / math.sqrt(fan_in))
    expect(kaimingUniformInit(3136).bound).toBe(Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + Math.sqrt(5) ** 2)) / Math.sqrt(3136)));
    for (const f of [1, 3, 27, 784, 3136, 4096]) {
      expect(kaimingUniformInit(f).bound).toBeCloseTo(1 / Math.sqrt(f), 15);
      expect(biasInit(f)).toEqual({ kind: 'uniform', bound: 1 / Math.sqrt(f) });
    }
    expect(lstmInit(128)).toEqual({ kind: 'uniform', bound: 1 / Math.sqrt(128) });
  });

  it('fan_in is in_features for dense and in_channels·kh·kw for conv2d', () => {
    expect(fanIn([128, 3136])).toBe(3136);
    expect(fanIn([64, 32, 3, 3])).toBe(288);
    expect(() => fanIn([10])).toThrow(/internal/);
    expect(() => kaimingUniformInit(0)).toThrow(/internal: fan_in must be a positive integer, got 0/);
  });
});

describe('initParameter', () => {
  const n = 1_000_000;
  const bound = biasInit(288).bound; // 1/sqrt(288) ≈ 0.0589

  it('draws U(-bound, bound): range, mean, variance and histogram match', () => {
    const out = new Float64Array(n);
    initParameter(new Rng(1), { kind: 'uniform', bound }, out);
    let min = Infinity, max = -Infinity, sum = 0, sq = 0;
    const bins = new Array<number>(10).fill(0);
    for (const x of out) {
      min = Math.min(min, x); max = Math.max(max, x); sum += x; sq += x * x;
      bins[Math.min(9, Math.floor(((x + bound) / (2 * bound)) * 10))]!++;
    }
    expect(min).toBeGreaterThanOrEqual(-bound);
    expect(max).toBeLessThanOrEqual(bound);
    expect(min).toBeLessThan(-bound * 0.9999);
    expect(max).toBeGreaterThan(bound * 0.9999);
    const variance = (bound * bound) / 3; // of U(-b, b)
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    // Var of x² for U(-b,b) is b⁴/5 − b⁴/9 = 4b⁴/45.
    expect(Math.abs(sq / n - mean * mean - variance)).toBeLessThan(5 * Math.sqrt((4 * bound ** 4) / 45 / n));
    for (const c of bins) expect(Math.abs(c - n / 10)).toBeLessThan(5 * Math.sqrt(n * 0.1 * 0.9));
  });

  it('the same seed gives identical bytes; another seed does not', () => {
    const a = new Float32Array(10_000), b = new Float32Array(10_000), c = new Float32Array(10_000);
    initParameter(new Rng(42), kaimingUniformInit(784), a);
    initParameter(new Rng(42), kaimingUniformInit(784), b);
    initParameter(new Rng(43), kaimingUniformInit(784), c);
    expect(new Uint8Array(b.buffer)).toEqual(new Uint8Array(a.buffer));
    expect(new Uint8Array(c.buffer)).not.toEqual(new Uint8Array(a.buffer));
  });

  it('consumes one uniform() per element, in index order', () => {
    const out = new Float64Array(5);
    initParameter(new Rng(9), { kind: 'uniform', bound: 2 }, out);
    const r = new Rng(9);
    expect(Array.from(out)).toEqual(Array.from({ length: 5 }, () => 4 * r.uniform() - 2));
  });

  it('float32 output is the rounded float64 draw', () => {
    const a = new Float32Array(100), b = new Float64Array(100);
    initParameter(new Rng(5), lstmInit(20), a);
    initParameter(new Rng(5), lstmInit(20), b);
    expect(Array.from(a)).toEqual(Array.from(b, Math.fround));
  });

  it('rejects a bad init as an internal error', () => {
    expect(() => initParameter(new Rng(1), { kind: 'uniform', bound: -1 }, new Float32Array(1))).toThrow(/internal: init bound/);
    expect(() => initParameter(new Rng(1), { kind: 'normal' } as never, new Float32Array(1))).toThrow(/internal: unknown init kind normal/);
  });
});
