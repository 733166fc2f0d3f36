// The gradient checks can fail: every op's backward (and every loss kernel) is broken on
// purpose, one statement at a time, and the float64 finite-difference check of test/ops
// must reject each broken version. Mutants: a store's value negated, a loop's trip count cut
// by one, a GEMM dropped. The ops are restored after each mutant.
import { describe, expect, it } from 'vitest';
import { neg, type Stmt } from '../../compiler/ir/kernel.js';
import { LOSSES, OPS } from '../../compiler/ops/index.js';
import type { KernelBuilder } from '../../compiler/ir/kernel.js';
import type { Rng } from '../../runtime/rng.js';
import { build, distinct, gradcheck, MAX_REL_ERROR, spec, type GradcheckOptions } from './gradcheck.js';

type Mutant = { what: string; apply: (s: Stmt) => Stmt | undefined };

/** Every statement of a body (depth first), with a way to replace it in place. */
function* sites(body: Stmt[]): Generator<[Stmt, (s: Stmt) => void]> {
  for (let k = 0; k < body.length; k++) {
    const s = body[k];
    yield [s, (r) => (body[k] = r)];
    if (s.k === 'for') yield* sites(s.body);
    if (s.k === 'if') {
      yield* sites(s.then);
      yield* sites(s.else);
    }
  }
}

const MUTANTS: Mutant[] = [
  // negating a constant 0 (a fill) changes nothing: not a mutant
  { what: 'negated store', apply: (s) => (s.k === 'store' && !(s.value.k === 'f' && s.value.v === 0) ? { ...s, value: neg(s.value) } : undefined) },
  { what: 'loop one short', apply: (s) => (s.k === 'for' ? { ...s, to: { k: 'bin', op: '-', a: s.to, b: { k: 'i', v: 1 }, ty: 'i32' } } : undefined) },
  { what: 'GEMM dropped', apply: (s) => (s.k === 'gemm' ? { k: 'comment', text: 'dropped' } : undefined) },
];

/** Install `mutant` at its k-th site in the kernel `target[key]` builds (k = −1: none), run, restore; returns the site count. */
function withMutation(target: Record<string, unknown>, key: string, mutant: Mutant, k: number, run: () => void): number {
  const original = target[key] as (b: KernelBuilder, io: unknown) => void;
  let count = 0;
  target[key] = (b: KernelBuilder, io: unknown) => {
    original.call(target, b, io);
    for (const [s, replace] of [...sites(b.body)]) {
      const m = mutant.apply(s);
      if (!m) continue;
      if (count === k) replace(m);
      count++;
    }
  };
  try {
    run();
  } finally {
    target[key] = original;
  }
  return count;
}

const awayFromZero = { input: (rng: Rng, k: number) => distinct(rng, k, 0.05, 0.025 - 0.025 * k) };

// One small model per op, in which the op's backward decides gradients the check compares.
// `survivors` are equivalent mutants, which no test can tell apart from the original:
// - lstm with output: last: the fill of dL/dh stops one short, but its last element is the
//   last step's, which the next loop stores anyway;
// - cross_entropy: the running maximum skips the last logit, and log-softmax does not depend
//   on which value is subtracted for stability.
const CASES: [string, 'op' | 'loss', string, (GradcheckOptions & { survivors?: string[] })?][] = [
  ['conv2d', 'op', spec([1, 3, 3], ['conv2d: {filters: 2, kernel: 2, stride: 2, padding: 1}'])],
  ['conv2d', 'op', spec([1, 3, 4], ['conv2d: {filters: 1, kernel: [2, 2], dilation: [1, 2], bias: false}', 'tanh', 'conv2d: {filters: 1, kernel: 1}'])],
  ['maxpool2d', 'op', spec([1, 5, 5], ['maxpool2d: {kernel: 3, stride: 2, padding: 1}']), awayFromZero],
  ['avgpool2d', 'op', spec([1, 5, 5], ['avgpool2d: {kernel: 3, stride: 2, padding: 1}'])],
  ['dense', 'op', spec([3], ['dense: {units: 2}', 'tanh', 'dense: {units: 2}'])],
  ['lstm', 'op', spec([2, 1], ['lstm: {hidden: 1, layers: 2, output: sequence}'])],
  ['lstm', 'op', spec([3, 1], ['lstm: {hidden: 1}']), { survivors: ['loop one short #0'] }],
  ['dropout', 'op', spec([6], ['dropout: {p: 0.5}', 'dense: {units: 1}'])],
  ['relu', 'op', spec([6], ['relu']), awayFromZero],
  ['sigmoid', 'op', spec([6], ['sigmoid'])],
  ['tanh', 'op', spec([6], ['tanh'])],
  ['softmax', 'op', spec([2, 3], ['softmax'])],
  ['cross_entropy', 'loss', spec([3], ['dense: {units: 3}'], 'cross_entropy'), { survivors: ['loop one short #1'] }],
  ['mse', 'loss', spec([3], ['dense: {units: 2}'])],
];

/** Whether the gradient check rejects the model as built now (every element checked). */
function rejected(yaml: string, opts: GradcheckOptions, failFast = true): boolean {
  try {
    const r = gradcheck(yaml, { batch: 2, maxPerTensor: Infinity, failFast, ...opts });
    return !(r.maxRelError < MAX_REL_ERROR);
  } catch {
    return true; // a kernel that throws is caught too
  }
}

describe('every broken backward fails its gradient check', () => {
  it.each(CASES.map((c, i) => [`${c[0]} #${i}`, ...c] as const))('%s', (_, name, kind, yaml, opts = {}) => {
    const target = (kind === 'op' ? OPS.get(name) : LOSSES.get(name)) as unknown as Record<string, unknown>;
    const key = kind === 'op' ? 'backward' : 'kernel';
    expect(rejected(yaml, opts, false), 'the unbroken op passes').toBe(false);
    const survivors: string[] = [];
    let total = 0;
    for (const mutant of MUTANTS) {
      const count = withMutation(target, key, mutant, -1, () => build(yaml));
      for (let k = 0; k < count; k++) {
        let killed = false;
        withMutation(target, key, mutant, k, () => (killed = rejected(yaml, opts)));
        if (!killed) survivors.push(`${mutant.what} #${k}`);
      }
      total += count;
    }
    expect(total).toBeGreaterThan(0);
    if (process.env.GRADCHECK_LOG) console.log(`${name}: ${total} mutants, survivors ${survivors.length}`);
    expect(survivors).toEqual(opts.survivors ?? []);
  });
});
