/**
 * Metrics of training and evaluation: sample-weighted running loss, accuracy and a confusion
 * matrix (rows: true class, columns: predicted class) for classifiers, and evaluation of a model
 * on a dataset in inference mode (dropout off), as PyTorch's `model.eval()` under `no_grad`.
 * Evaluation losses are computed in float64 from the outputs: cross_entropy as
 * logsumexp(logits) − logit[target], mse as the mean squared difference over all values.
 */
import { sizeOf, type Dataset } from './dataset.js';
import type { NetspecModel } from './model.js';

/** Sums over the samples seen so far (an epoch, or an evaluation). */
export class RunningMetrics {
  samples = 0;
  steps = 0;
  lossSum = 0;
  correct = 0;
  /** classes × classes, row = true class; empty for mse models. */
  readonly confusion: Float64Array;

  constructor(readonly classes = 0) {
    this.confusion = new Float64Array(classes * classes);
  }

  /** A batch of `n` samples with mean loss `loss`. */
  addBatch(loss: number, n: number): void {
    this.samples += n;
    this.steps += 1;
    this.lossSum += loss * n;
  }

  /** One classified sample. */
  addPrediction(truth: number, predicted: number): void {
    if (truth === predicted) this.correct += 1;
    this.confusion[truth * this.classes + predicted]! += 1;
  }

  get loss(): number {
    return this.samples > 0 ? this.lossSum / this.samples : NaN;
  }

  get accuracy(): number | undefined {
    return this.classes > 0 && this.samples > 0 ? this.correct / this.samples : undefined;
  }

  /** Accuracy per true class (NaN for a class with no samples). */
  perClassAccuracy(): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.classes; t++) {
      let row = 0;
      for (let p = 0; p < this.classes; p++) row += this.confusion[t * this.classes + p]!;
      out.push(row > 0 ? this.confusion[t * this.classes + t]! / row : NaN);
    }
    return out;
  }

  reset(): void {
    this.samples = this.steps = this.lossSum = this.correct = 0;
    this.confusion.fill(0);
  }

  /** For a checkpoint (all plain numbers, JSON-safe: counts are integers, sums are doubles). */
  toJSON(): { samples: number; steps: number; lossSum: number; correct: number; confusion: number[] } {
    return { samples: this.samples, steps: this.steps, lossSum: this.lossSum, correct: this.correct, confusion: Array.from(this.confusion) };
  }

  restore(s: ReturnType<RunningMetrics['toJSON']>): void {
    this.samples = s.samples;
    this.steps = s.steps;
    this.lossSum = s.lossSum;
    this.correct = s.correct;
    if (s.confusion.length === this.confusion.length) this.confusion.set(s.confusion);
  }
}

/** Index of the largest of `values[at .. at+count)` (the first on ties, as torch.argmax). */
export function argmax(values: ArrayLike<number>, at: number, count: number): number {
  let best = 0;
  let bestV = values[at]!;
  for (let k = 1; k < count; k++) {
    const v = values[at + k]!;
    if (v > bestV || (Number.isNaN(v) && !Number.isNaN(bestV))) {
      best = k;
      bestV = v;
    }
  }
  return best;
}

/** Cross-entropy of one sample's logits in float64: logsumexp − logit[target]. */
export function crossEntropy(logits: ArrayLike<number>, at: number, count: number, target: number): number {
  let max = -Infinity;
  for (let k = 0; k < count; k++) max = Math.max(max, logits[at + k]!);
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(logits[at + k]! - max);
  return max + Math.log(sum) - logits[at + target]!;
}

export interface Evaluation {
  metrics: RunningMetrics;
  /** Mean loss per sample (cross_entropy) or per value (mse). */
  loss: number;
  accuracy?: number;
}

/**
 * The model's loss (and accuracy and confusion, for classifiers) over the first `limit`
 * samples of `data` (all by default), in batches of at most the model's maxBatch.
 */
export function evaluate(model: NetspecModel, data: Dataset, limit = data.n): Evaluation {
  const classes = data.target.kind === 'classes' ? data.target.classes : 0;
  const metrics = new RunningMetrics(classes);
  const inSize = sizeOf(data.inputShape);
  const outSize = sizeOf(model.info.outputShape);
  const batch = model.info.maxBatch;
  const total = Math.min(limit, data.n);
  for (let s = 0; s < total; s += batch) {
    const n = Math.min(batch, total - s);
    const out = model.forward(data.x.subarray(s * inSize, (s + n) * inSize), n);
    let lossSum = 0;
    for (let i = 0; i < n; i++) {
      if (classes > 0) {
        const t = data.y[s + i]!;
        lossSum += crossEntropy(out, i * outSize, outSize, t);
        metrics.addPrediction(t, argmax(out, i * outSize, outSize));
      } else {
        const y = data.y;
        const base = (s + i) * outSize;
        let sq = 0;
        for (let k = 0; k < outSize; k++) {
          const d = out[i * outSize + k]! - y[base + k]!;
          sq += d * d;
        }
        lossSum += sq / outSize;
      }
    }
    metrics.addBatch(lossSum / n, n);
  }
  return { metrics, loss: metrics.loss, accuracy: metrics.accuracy };
}
