// One system on one network: train-step samples/s at batch 64, inference µs at batch 1 and
// samples/s at batch 64, each with the GFLOP/s it achieves (training counted as 3× forward).
import { measure } from './timing.js';
import { BATCH, type Net, type Runner } from './nets.js';

export interface Row {
  net: string;
  system: string;
  train?: { samplesPerSec: number; gflops: number };
  infer1: { us: number; gflops: number };
  infer64: { samplesPerSec: number; gflops: number };
  note?: string;
}

export async function measureRunner(net: Net, system: string, runner: Runner, slow = false): Promise<Row> {
  const budgetMs = slow ? 6000 : 2500;
  const g = (samplesPerSec: number, mult = 1) => (samplesPerSec * net.flopsPerSample * mult) / 1e9;
  let train: Row['train'];
  if (runner.trainStep) {
    const t = await measure(runner.trainStep, { budgetMs, reps: slow ? 5 : 9 });
    const sps = (BATCH / t.medianMs) * 1e3;
    train = { samplesPerSec: sps, gflops: g(sps, 3) };
  }
  const i1 = await measure(runner.infer1, { budgetMs });
  const i64 = await measure(runner.infer64, { budgetMs, reps: slow ? 5 : 9 });
  const sps64 = (BATCH / i64.medianMs) * 1e3;
  runner.dispose?.();
  return {
    net: net.name, system, train,
    infer1: { us: i1.medianMs * 1e3, gflops: g(1e3 / i1.medianMs) },
    infer64: { samplesPerSec: sps64, gflops: g(sps64) },
    ...(runner.note ? { note: runner.note } : {}),
  };
}
