// Test helpers for test/ops: build a small model from YAML, and check its analytical
// gradients (every parameter and the model input) against finite differences of the loss
// in float64. Not a test file itself.
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import { compileModel, instantiate, type Compiled } from '../../compiler/build.js';
import { checkSource } from '../../compiler/pipeline.js';
import type { NetspecModel } from '../../runtime/model.js';
import { createRng, type Rng } from '../../runtime/rng.js';

/** The bound every gradient check asserts. */
export const MAX_REL_ERROR = 1e-6;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A spec with the given per-sample input shape and layers (each a flow-style YAML item). */
export function spec(input: number[], layers: string[], loss: string | null = 'mse'): string {
  return [
    'netspec: 1',
    'name: t',
    `input: {shape: [${input.join(', ')}]}`,
    'layers:',
    ...layers.map((l) => `  - ${l}`),
    ...(loss ? [`loss: ${loss}`] : []),
  ].join('\n') + '\n';
}

export interface Built {
  compiled: Compiled;
  model: NetspecModel;
}

/** Compile and instantiate a float64 model (the gradient-check build), failing on any diagnostic. */
export function build(yaml: string, opts: { maxBatch?: number; seed?: number; float64?: boolean; inputGradient?: boolean } = {}): Built {
  const { model: graph, diagnostics } = checkSource('test.yaml', yaml);
  if (!graph) throw new Error(`spec has diagnostics:\n${diagnostics.map((d) => d.message).join('\n')}\n${yaml}`);
  const compiled = compileModel(graph, { inputGradient: opts.inputGradient ?? true });
  const model = instantiate(compiled, { maxBatch: opts.maxBatch ?? 4, seed: opts.seed ?? 1, float64: opts.float64 ?? true });
  return { compiled, model };
}

/** Seeded uniform values in [lo, hi). */
export function uniform(rng: Rng, count: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from({ length: count }, () => rng.uniformRange(lo, hi));
}

/**
 * Distinct values, at least `gap` apart, in random order: inputs for max-pooling (and other
 * kinks) whose finite differences never cross a tie.
 */
export function distinct(rng: Rng, count: number, gap = 0.05, offset = -0.5 * count * 0.05): Float64Array {
  const order = rng.shuffle(Int32Array.from({ length: count }, (_, i) => i));
  return Float64Array.from(order, (k) => offset + k * gap);
}

export interface TensorReport {
  name: string;
  elements: number;
  checked: number;
  maxRelError: number;
  /** The same over elements whose gradient is at least the floor (the pure relative error). */
  maxRelAboveFloor: number;
  /** Largest |analytical gradient| among the checked elements: a check over zeros checks nothing. */
  maxAbs: number;
  worst?: { index: number; analytical: number; numerical: number };
}

export interface GradcheckReport {
  loss: number;
  maxRelError: number;
  tensors: TensorReport[];
}

export interface GradcheckOptions {
  batch?: number;
  /** The instance's maxBatch; larger than the batch by default, so kernels must not assume n = maxBatch. */
  maxBatch?: number;
  seed?: number;
  /** The model input (n·input size values); seeded U(-1, 1) by default. */
  input?: (rng: Rng, count: number) => Float64Array;
  /** Called on the fresh model, e.g. to set parameters by hand. */
  setup?: (model: NetspecModel) => void;
  /** Elements checked per tensor: all of a tensor up to this size, a seeded sample beyond. */
  maxPerTensor?: number;
  /** Step, relative to max(1, |value|). */
  h?: number;
  /** Denominator floor of the relative error: below it both gradients count as zero-ish. */
  floor?: number;
  /** Stop at the first element over MAX_REL_ERROR (mutation tests only need a yes/no). */
  failFast?: boolean;
}

/**
 * Analytical gradients from `computeGradients` against finite differences of the returned
 * loss. The difference quotient is the five-point central stencil
 * (−L(v+2h) + 8L(v+h) − 8L(v−h) + L(v−2h)) / 12h: its truncation error is O(h⁴), so h can be
 * large enough (1e-4) that the loss's float64 rounding (~1e-16·|L|/h) stays far below the
 * 1e-6 bound. Dropout masks stay fixed: the generator's state is restored before every run.
 */
export function gradcheck(yaml: string, opts: GradcheckOptions = {}): GradcheckReport {
  const n = opts.batch ?? 2;
  const rng = createRng(opts.seed ?? 7);
  const { compiled, model } = build(yaml, { maxBatch: opts.maxBatch ?? n + 1, seed: opts.seed ?? 7 });
  opts.setup?.(model);
  const desc = compiled.description;
  const inCount = n * size(desc.input.shape);
  const x = opts.input ? opts.input(rng, inCount) : uniform(rng, inCount);
  if (x.length !== inCount) throw new Error(`internal: input has ${x.length} values, the model takes ${inCount}`);
  const t = desc.target!;
  const y = t.classes !== undefined
    ? Float64Array.from({ length: n }, () => rng.int(t.classes!))
    : uniform(rng, n * size(t.shape));
  const rngAt = model.rngState();
  const lossOf = (): number => {
    model.setRngState(rngAt); // the same dropout mask on every evaluation
    return model.computeGradients(x, y, n);
  };

  // Poison everything but the parameters: a kernel that reads a value no kernel of this step
  // wrote (a gradient left from the previous step, a buffer assumed zero) yields NaN and fails.
  const P = desc.paramRegion;
  model.arena.fill(NaN, 0, P.offset);
  model.arena.fill(NaN, P.offset + P.size);
  const loss = lossOf();
  const tensors: { name: string; values: Float64Array; analytical: Float64Array }[] = [];
  for (const p of desc.params) {
    tensors.push({ name: p.name, values: model.param(p.name) as Float64Array, analytical: Float64Array.from(model.grad(p.name)) });
  }
  tensors.push({ name: 'input', values: x, analytical: Float64Array.from(model.inputGrad(n)) });

  const h0 = opts.h ?? 1e-4;
  const floor = opts.floor ?? 1e-5;
  const limit = opts.maxPerTensor ?? 64;
  const reports: TensorReport[] = [];
  scan: for (const tensor of tensors) {
    const { values, analytical } = tensor;
    const all = Int32Array.from({ length: values.length }, (_, i) => i);
    const picked = values.length <= limit ? all : rng.shuffle(all).subarray(0, limit);
    const report: TensorReport = { name: tensor.name, elements: values.length, checked: picked.length, maxRelError: 0, maxRelAboveFloor: 0, maxAbs: 0 };
    for (const idx of picked) {
      const v = values[idx];
      const h = h0 * Math.max(1, Math.abs(v));
      const at = (d: number) => {
        values[idx] = v + d;
        return lossOf();
      };
      const numerical = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
      values[idx] = v;
      const a = analytical[idx];
      const rel = Math.abs(a - numerical) / Math.max(Math.abs(a), Math.abs(numerical), floor);
      report.maxAbs = Math.max(report.maxAbs, Math.abs(a));
      if (Math.max(Math.abs(a), Math.abs(numerical)) >= floor) report.maxRelAboveFloor = Math.max(report.maxRelAboveFloor, rel);
      if (!(rel <= report.maxRelError)) {
        report.maxRelError = Number.isNaN(rel) ? Infinity : rel;
        report.worst = { index: idx, analytical: a, numerical };
      }
      if (opts.failFast && !(report.maxRelError < MAX_REL_ERROR)) {
        reports.push(report);
        break scan;
      }
    }
    reports.push(report);
  }
  lossOf(); // leave the model's gradients as they were for the unperturbed values
  const maxRelError = Math.max(...reports.map((r) => r.maxRelError));
  // GRADCHECK_LOG=file.jsonl collects every check's worst error (for reports on the suite).
  if (process.env.GRADCHECK_LOG) {
    const test = expect.getState().currentTestName ?? '';
    const file = expect.getState().testPath?.replace(/.*\//, '') ?? '';
    appendFileSync(process.env.GRADCHECK_LOG, JSON.stringify({ file, test, maxRelError, tensors: reports }) + '\n');
  }
  return { loss, maxRelError, tensors: reports };
}

/** gradcheck + the assertions: every tensor's gradient matches, and none is all zeros unless listed in `zero`. */
export function expectGradients(yaml: string, opts: GradcheckOptions & { zero?: string[] } = {}): GradcheckReport {
  const r = gradcheck(yaml, opts);
  for (const t of r.tensors) {
    // `zero`: tensors whose gradient is exactly zero by construction (W_hh when T = 1)
    if (opts.zero?.includes(t.name)) expect(t.maxAbs, `${t.name}: gradient should be zero`).toBe(0);
    else expect(t.maxAbs, `${t.name}: analytical gradient is zero everywhere checked`).toBeGreaterThan(0);
    expect(t.maxRelError, `${t.name}: worst ${JSON.stringify(t.worst)}`).toBeLessThan(MAX_REL_ERROR);
  }
  return r;
}
