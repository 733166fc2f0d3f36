import { describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { Rng, createRng } from '../../runtime/rng.js';

// Reference outputs from the authors' C code (xoshiro128starstar.c, splitmix64.c), compiled
// and run separately; seeding = two splitmix64 outputs a, b → state [lo(a), hi(a), lo(b), hi(b)].
describe('Rng (xoshiro128** seeded by splitmix64)', () => {
  it('matches the reference xoshiro128** sequence from state [1, 2, 3, 4]', () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    const got = Array.from({ length: 6 }, () => rng.nextU32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it.each([
    [0, [3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774]],
    [42, [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]],
    [Number.MAX_SAFE_INTEGER, [1233166643, 1287031142, 661813442, 2960669951, 2601079046, 1036114921]],
  ])('seed %d gives the reference C sequence', (seed, expected) => {
    const rng = createRng(seed);
    expect(Array.from({ length: 6 }, () => rng.nextU32())).toEqual(expected);
  });

  it('seeds its state from splitmix64 (first output for seed 0 is 0xe220a8397b1dcdaf)', () => {
    expect(Array.from(new Rng(0).state())).toEqual([0x7b1dcdaf, 0xe220a839, 0xa1b965f4, 0x6e789e6a]);
  });

  it('same seed → same sequence; different seeds → different sequences', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const sa = Array.from({ length: 100 }, () => a.uniform());
    expect(Array.from({ length: 100 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.uniform())).not.toEqual(sa);
  });

  it('state()/fromState() and clone() continue the same sequence', () => {
    const a = new Rng(123);
    for (let i = 0; i < 10; i++) a.nextU32();
    const b = Rng.fromState(a.state());
    const c = a.clone();
    const next = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(next);
    expect(Array.from({ length: 5 }, () => c.nextU32())).toEqual(next);
  });

  it('uniform() takes 27 + 26 bits of two draws and stays in [0, 1)', () => {
    const a = new Rng(5), b = new Rng(5);
    const hi = b.nextU32() >>> 5, lo = b.nextU32() >>> 6;
    expect(a.uniform()).toBe((hi * 2 ** 26 + lo) / 2 ** 53);
    expect(Rng.fromState([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]).uniform()).toBeLessThan(1);
    let min = 1, max = 0, sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = a.uniform();
      min = Math.min(min, u); max = Math.max(max, u); sum += u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });

  it('uniformRange(lo, hi) stays in [lo, hi)', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.uniformRange(-3, 2);
      expect(x >= -3 && x < 2).toBe(true);
    }
  });

  it('normal() has mean 0 and variance 1', () => {
    const rng = new Rng(11);
    const n = 200_000;
    let sum = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z; sq += z * z;
    }
    const mean = sum / n;
    expect(Number.isFinite(sq)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sq / n - mean * mean - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('int(n) is unbiased: every value of a non-power-of-two range is equally frequent', () => {
    const rng = new Rng(3);
    const n = 7, draws = 70_000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) counts[rng.int(n)]!++;
    const expected = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(22.5); // chi-square, 6 degrees of freedom, p ≈ 0.001
    expect(rng.int(1)).toBe(0);
  });

  it('int(n) rejects draws in the incomplete last block and redraws', () => {
    // n = 3·2^30: 2^32 mod n = 2^30, so draws >= 3·2^30 must be rejected, not folded by modulo.
    const n = 3 * 2 ** 30;
    const firstTwo = (seed: number) => {
      const r = new Rng(seed);
      return [r.nextU32(), r.nextU32()] as const;
    };
    let seed = 0;
    while (!(firstTwo(seed)[0] >= n && firstTwo(seed)[1] < n)) seed++;
    const [first, second] = firstTwo(seed);
    expect(new Rng(seed).int(n)).toBe(second);
    expect(second).not.toBe(first % n);
  });

  it('int(n) refuses n outside [1, 2^32] as an internal error', () => {
    const rng = new Rng(1);
    expect(() => rng.int(0)).toThrow(/internal: Rng.int/);
    expect(() => rng.int(2.5)).toThrow(/internal/);
    expect(() => rng.int(2 ** 32 + 1)).toThrow(/internal/);
    expect(rng.int(2 ** 32)).toBeGreaterThanOrEqual(0);
  });

  it('shuffle() is a permutation, reproducible, and every position is uniform', () => {
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    new Rng(4).shuffle(a);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const b = Int32Array.from({ length: 50 }, (_, i) => i);
    new Rng(4).shuffle(b);
    expect(b).toEqual(a);
    // Element 0 lands in each of 4 positions with probability 1/4.
    const rng = new Rng(8);
    const where = [0, 0, 0, 0];
    for (let k = 0; k < 40_000; k++) where[rng.shuffle([0, 1, 2, 3]).indexOf(0)]!++;
    for (const c of where) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(new Rng(1).shuffle([])).toEqual([]);
  });

  it('rejects bad seeds and states with NetspecError', () => {
    expect(() => new Rng(-1)).toThrow(NetspecError);
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer between 0 and 9007199254740991, got 1.5/);
    expect(() => new Rng(2 ** 53)).toThrow(/seed must be an integer/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/must not be all zeros/);
    expect(() => Rng.fromState([1, 2, 3])).toThrow(/4 words, got 3/);
    expect(() => Rng.fromState([1, 2, 3, 2 ** 32])).toThrow(/not a uint32/);
  });
});
