/**
 * A seeded synthetic sequence-classification task for recurrent models ("running-sum"):
 * each sample is T steps of F features drawn from N(0, 1); its class is 1 when feature 1's
 * running sum over the whole sequence ends above feature 0's, else 0. The other features are
 * noise. A model must integrate over time to solve it; chance is 50%.
 */
import { NetspecError } from './errors.js';
import type { Dataset, TrainTarget } from './dataset.js';
import { createRng } from './rng.js';

export const RUNNING_SUM = { name: 'running-sum', trainSamples: 10_000, testSamples: 2_000, trainSeed: 1, testSeed: 2 };

export function runningSumDataset(modelName: string, inputShape: number[], target: TrainTarget, split: 'train' | 'test'): Dataset {
  if (inputShape.length !== 2 || inputShape[1] < 2) {
    throw new NetspecError(`--data running-sum: model '${modelName}' takes [${inputShape.join(', ')}]; the task needs a [T, features] input with at least 2 features`);
  }
  if (target.kind !== 'classes' || target.classes !== 2) {
    throw new NetspecError(`--data running-sum: model '${modelName}' needs cross_entropy over 2 classes (the task is binary)`);
  }
  const [T, F] = inputShape;
  const n = split === 'train' ? RUNNING_SUM.trainSamples : RUNNING_SUM.testSamples;
  const rng = createRng(split === 'train' ? RUNNING_SUM.trainSeed : RUNNING_SUM.testSeed);
  const x = new Float32Array(n * T * F);
  const y = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let diff = 0;
    for (let t = 0; t < T; t++) {
      for (let f = 0; f < F; f++) x[(s * T + t) * F + f] = rng.normal();
      diff += x[(s * T + t) * F + 1] - x[(s * T + t) * F];
    }
    y[s] = diff > 0 ? 1 : 0;
  }
  return { x, y, n, inputShape: [...inputShape], target, source: `running-sum ${split}` };
}
