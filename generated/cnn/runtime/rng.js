/**
 * The one pseudo-random generator of netspec: xoshiro128** (Blackman & Vigna), with its
 * 128-bit state seeded from two outputs of splitmix64, as the authors recommend.
 *
 * Every random choice (initialization, shuffling, dropout masks) takes a seed, and the same
 * seed gives the same sequence on every platform: `nextU32`, `uniform`, `uniformRange`, `int`
 * and `shuffle` use only 32-bit integer arithmetic (Math.imul, shifts) and exactly rounded
 * float64 operations. `normal` also calls Math.log/Math.cos/Math.sqrt; ECMAScript does not
 * require log and cos to be correctly rounded, so its last bit may in principle differ
 * between JavaScript engines (V8 on every OS uses the same fdlibm port, so Node and Chrome agree).
 *
 * This is not PyTorch's generator (mt19937 with its own transforms): seeded weights are
 * reproducible within netspec, not equal to torch.manual_seed's.
 */
import { NetspecError } from './errors.js';
const MASK64 = (1n << 64n) - 1n;
/** One splitmix64 step: returns [next state, output]; BigInt only runs while seeding. */
function splitmix64(state) {
    const s = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return [s, z ^ (z >> 31n)];
}
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
export class Rng {
    s0 = 0;
    s1 = 0;
    s2 = 0;
    s3 = 0;
    /** `seed`: an integer in [0, 2^53 − 1] (a CLI `--seed N`). */
    constructor(seed) {
        if (!Number.isSafeInteger(seed) || seed < 0) {
            throw new NetspecError(`seed must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}, got ${seed}`);
        }
        let sm = BigInt(seed);
        let a;
        let b;
        [sm, a] = splitmix64(sm);
        [sm, b] = splitmix64(sm);
        this.setWords(Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n));
    }
    /** A generator that continues from `state()` of another (checkpoint/resume). */
    static fromState(words) {
        const rng = new Rng(0);
        if (words.length !== 4)
            throw new NetspecError(`rng state must have 4 words, got ${words.length}`);
        rng.setWords(words[0], words[1], words[2], words[3]);
        return rng;
    }
    /** The 128-bit state as four uint32 words (a copy). */
    state() {
        return Uint32Array.of(this.s0, this.s1, this.s2, this.s3);
    }
    /** An independent copy that will produce the same sequence as this one from now on. */
    clone() {
        return Rng.fromState(this.state());
    }
    setWords(a, b, c, d) {
        for (const w of [a, b, c, d]) {
            if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32)
                throw new NetspecError(`rng state word ${w} is not a uint32`);
        }
        if ((a | b | c | d) === 0) {
            // xoshiro's one forbidden state: it would output zeros forever.
            throw new NetspecError('rng state must not be all zeros');
        }
        this.s0 = a | 0;
        this.s1 = b | 0;
        this.s2 = c | 0;
        this.s3 = d | 0;
    }
    /** A uniformly distributed integer in [0, 2^32). */
    nextU32() {
        const s1 = this.s1;
        const x = Math.imul(s1, 5);
        const result = Math.imul((x << 7) | (x >>> 25), 9);
        const t = s1 << 9;
        this.s2 ^= this.s0;
        this.s3 ^= s1;
        this.s1 ^= this.s2;
        this.s0 ^= this.s3;
        this.s2 ^= t;
        this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
        return result >>> 0;
    }
    /**
     * A float64 in [0, 1) with 53 random bits (every multiple of 2^-53 equally likely):
     * it consumes two `nextU32` draws, the high 27 bits of the first and 26 of the second.
     */
    uniform() {
        const hi = this.nextU32() >>> 5;
        const lo = this.nextU32() >>> 6;
        return (hi * 67108864 + lo) / TWO_POW_53;
    }
    /** A float64 in [lo, hi): lo + (hi − lo)·uniform(). */
    uniformRange(lo, hi) {
        return lo + (hi - lo) * this.uniform();
    }
    /**
     * A standard normal sample by Box–Muller (the cosine branch; the sine partner is discarded so
     * the generator's whole state is its four words). Consumes two `uniform` draws.
     */
    normal() {
        const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
        const u2 = this.uniform();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
    /**
     * An integer uniformly distributed in [0, n), for an integer 1 ≤ n ≤ 2^32, without modulo
     * bias: draws in the incomplete last block of size 2^32 mod n are rejected and redrawn.
     */
    int(n) {
        if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32)
            throw new Error(`internal: Rng.int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
        const limit = TWO_POW_32 - (TWO_POW_32 % n);
        for (;;) {
            const x = this.nextU32();
            if (x < limit)
                return x % n;
        }
    }
    /** Shuffles in place (Fisher–Yates, from the end) and returns the same array. */
    shuffle(a) {
        for (let i = a.length - 1; i > 0; i--) {
            const j = this.int(i + 1);
            const t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
export function createRng(seed) {
    return new Rng(seed);
}
