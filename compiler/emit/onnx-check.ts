// Runs an ONNX model in ONNX Runtime (onnxruntime-node) on seeded random inputs and compares
// it with netspec's forward pass: `export --check`, `import --check` and the tests.
import { NetspecError } from '../../runtime/errors.js';
import { createRng } from '../../runtime/rng.js';
import { INPUT_NAME, OUTPUT_NAME } from './onnx.js';

/** netspec's forward on n samples: a copy, [n, ...outputShape] flattened. */
export type Forward = (x: Float32Array, n: number) => Float32Array;

export interface CheckResult {
  batch: number;
  /** max_i |onnx_i − netspec_i| / max_i |netspec_i|: the largest difference relative to the output's scale. */
  maxRelDiff: number;
  maxAbsDiff: number;
}

export const CHECK_TOLERANCE = 1e-5;
export const CHECK_BATCHES = [1, 7] as const;

/**
 * The largest difference of `a` from the reference `b`, absolute and relative to b's largest
 * magnitude. Not element by element: an output near zero (a sum that cancels) carries float32
 * rounding of the size of its terms, which an element-wise ratio would magnify without bound.
 */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): { rel: number; abs: number } {
  if (a.length !== b.length) throw new Error(`internal: comparing ${a.length} values with ${b.length}`);
  let scale = 0;
  let abs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= Number.MAX_VALUE)) return { rel: Infinity, abs: Infinity }; // NaN or ∞ on either side
    abs = Math.max(abs, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { rel: abs === 0 ? 0 : abs / Math.max(scale, 1e-30), abs };
}

type Ort = typeof import('onnxruntime-node');

async function loadOrt(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch (e) {
    throw new NetspecError(`--check needs ONNX Runtime: install the onnxruntime-node package (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Seeded inputs in U(-1, 1), [n, ...shape] flattened. */
export function randomInput(shape: readonly number[], n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) x[i] = rng.uniformRange(-1, 1);
  return x;
}

/** Runs `onnxBytes` at each batch size in ONNX Runtime and compares its output with `forward`. */
export async function compareWithOnnxRuntime(
  onnxBytes: Uint8Array,
  forward: Forward,
  inputShape: readonly number[],
  opts: { batches?: readonly number[]; seed?: number; inputName?: string; outputName?: string } = {},
): Promise<CheckResult[]> {
  const ort = await loadOrt();
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await ort.InferenceSession.create(onnxBytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3 });
  } catch (e) {
    throw new NetspecError(`ONNX Runtime cannot load the model: ${(e as Error).message}`);
  }
  const inputName = opts.inputName ?? INPUT_NAME;
  const outputName = opts.outputName ?? OUTPUT_NAME;
  const results: CheckResult[] = [];
  try {
    for (const n of opts.batches ?? CHECK_BATCHES) {
      const x = randomInput(inputShape, n, (opts.seed ?? 0) + n);
      const feeds = { [inputName]: new ort.Tensor('float32', x, [n, ...inputShape]) };
      const out = (await session.run(feeds))[outputName];
      const got = out.data as Float32Array;
      const { rel, abs } = relativeDifference(got, forward(x, n));
      results.push({ batch: n, maxRelDiff: rel, maxAbsDiff: abs });
    }
  } finally {
    await session.release();
  }
  return results;
}

export function formatCheck(results: readonly CheckResult[]): string {
  return results.map((r) => `batch ${r.batch}: max relative difference ${r.maxRelDiff.toExponential(2)} (absolute ${r.maxAbsDiff.toExponential(2)})`).join('; ');
}
