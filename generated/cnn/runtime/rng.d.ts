export declare class Rng {
    private s0;
    private s1;
    private s2;
    private s3;
    /** `seed`: an integer in [0, 2^53 − 1] (a CLI `--seed N`). */
    constructor(seed: number);
    /** A generator that continues from `state()` of another (checkpoint/resume). */
    static fromState(words: ArrayLike<number>): Rng;
    /** The 128-bit state as four uint32 words (a copy). */
    state(): Uint32Array;
    /** An independent copy that will produce the same sequence as this one from now on. */
    clone(): Rng;
    private setWords;
    /** A uniformly distributed integer in [0, 2^32). */
    nextU32(): number;
    /**
     * A float64 in [0, 1) with 53 random bits (every multiple of 2^-53 equally likely):
     * it consumes two `nextU32` draws, the high 27 bits of the first and 26 of the second.
     */
    uniform(): number;
    /** A float64 in [lo, hi): lo + (hi − lo)·uniform(). */
    uniformRange(lo: number, hi: number): number;
    /**
     * A standard normal sample by Box–Muller (the cosine branch; the sine partner is discarded so
     * the generator's whole state is its four words). Consumes two `uniform` draws.
     */
    normal(): number;
    /**
     * An integer uniformly distributed in [0, n), for an integer 1 ≤ n ≤ 2^32, without modulo
     * bias: draws in the incomplete last block of size 2^32 mod n are rejected and redrawn.
     */
    int(n: number): number;
    /** Shuffles in place (Fisher–Yates, from the end) and returns the same array. */
    shuffle<T extends Int32Array | Uint32Array | number[]>(a: T): T;
}
export declare function createRng(seed: number): Rng;
