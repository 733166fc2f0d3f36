// netspec's two targets as bench runners, and the wasm target's compile time per spec.
import { instantiate, instantiateAsync } from '../compiler/build.js';
import { emitWasm } from '../compiler/emit/wasm.js';
import { BATCH, type Net, type Runner } from './nets.js';

export async function netspecRunner(net: Net, target: 'ts' | 'wasm', variant: 'simd' | 'relaxed' = 'simd'): Promise<Runner> {
  const m = target === 'ts'
    ? instantiate(net.compiled, { maxBatch: BATCH, seed: 1 })
    : await instantiateAsync(net.compiled, { maxBatch: BATCH, seed: 1, target: 'wasm', wasmVariant: variant });
  const per = net.x.length / BATCH;
  const x1 = net.x.subarray(0, per);
  return {
    trainStep: () => m.trainStep(net.x, net.y, BATCH),
    infer1: () => m.forward(x1, 1),
    infer64: () => m.forward(net.x, BATCH),
  };
}

/** Milliseconds to lower, plan and emit + validate + optimize the wasm module (median of 3). */
export function wasmCompileMs(net: Net, relaxed: boolean): { total: number; optimize: number; bytes: number } {
  const runs = [0, 1, 2].map(() => {
    const t = performance.now();
    const a = emitWasm(net.compiled.program, net.compiled.plan, { relaxed });
    return { total: performance.now() - t, optimize: a.ms.optimize, bytes: a.bytes.length };
  });
  runs.sort((a, b) => a.total - b.total);
  return runs[1];
}
