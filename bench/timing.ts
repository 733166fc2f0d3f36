// Timing for the bench: warm-up, then repetitions of a fixed number of calls each; the median
// per-call time in milliseconds. Calls per repetition grow until one repetition takes ≥ 20 ms,
// so fast kernels are not timed at the clock's resolution.
export interface Timing {
  medianMs: number;
  reps: number;
  callsPerRep: number;
}

export async function measure(fn: () => unknown | Promise<unknown>, opts: { reps?: number; budgetMs?: number } = {}): Promise<Timing> {
  const reps = opts.reps ?? 9;
  const budget = opts.budgetMs ?? 3000;
  const run = async (k: number) => {
    const t = performance.now();
    for (let i = 0; i < k; i++) await fn();
    return performance.now() - t;
  };
  // warm-up (JIT, caches, lazy allocations) and calibration
  let calls = 1;
  let t = await run(1);
  t = await run(1);
  while (t < 20 && calls < 1 << 16) {
    calls *= 2;
    t = await run(calls);
  }
  const n = Math.max(3, Math.min(reps, Math.floor(budget / Math.max(t, 1e-3))));
  const per: number[] = [];
  for (let r = 0; r < n; r++) per.push((await run(calls)) / calls);
  per.sort((a, b) => a - b);
  return { medianMs: per[per.length >> 1], reps: n, callsPerRep: calls };
}
