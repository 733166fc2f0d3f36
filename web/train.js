// Training and evaluation on the main thread in short slices: each slice runs steps until its
// time budget is spent (at least one step), then yields to the event loop so drawing, the
// plot and the stop button stay live.
import { BatchSampler, digitInto } from './data.js';

const yieldToBrowser = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs `steps` optimizer steps of `model` on batches of `split`.
 * @param {(s: {step: number, loss: number, samplesPerSec: number, seconds: number}) => void} onStep
 * @returns {{ stop(): void, done: Promise<{steps: number, samples: number, seconds: number, stopped: boolean}> }}
 */
export function trainInSlices(model, split, { batch, steps, seed = 1, budgetMs = 50 }, onStep) {
  const sampler = new BatchSampler(split, batch, seed);
  let stopped = false;
  const run = async () => {
    const start = performance.now();
    let step = 0;
    while (step < steps && !stopped) {
      const sliceStart = performance.now();
      do {
        const { x, y } = sampler.next();
        const loss = model.trainStep(x, y, batch);
        step++;
        const seconds = (performance.now() - start) / 1000;
        onStep({ step, loss, samplesPerSec: (step * batch) / seconds, seconds });
        if (!Number.isFinite(loss)) stopped = true;
      } while (step < steps && !stopped && performance.now() - sliceStart < budgetMs);
      await yieldToBrowser();
    }
    return { steps: step, samples: step * batch, seconds: (performance.now() - start) / 1000, stopped };
  };
  return { stop: () => void (stopped = true), done: run() };
}

/** Accuracy of a classifier on all of `split`, in batches of up to model.info.maxBatch. */
export async function evaluate(model, split, budgetMs = 50) {
  const maxBatch = model.info.maxBatch;
  const classes = model.info.outputShape[0];
  const x = new Float32Array(maxBatch * 784);
  let correct = 0;
  let sliceStart = performance.now();
  for (let at = 0; at < split.n; at += maxBatch) {
    const n = Math.min(maxBatch, split.n - at);
    for (let i = 0; i < n; i++) digitInto(split, at + i, x, i * 784);
    const logits = model.forward(n === maxBatch ? x : x.subarray(0, n * 784), n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
      if (best === split.labels[at + i]) correct++;
    }
    if (performance.now() - sliceStart > budgetMs) {
      await yieldToBrowser();
      sliceStart = performance.now();
    }
  }
  return correct / split.n;
}

/** Softmax of one row of logits. */
export function softmax(logits) {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
