/**
 * The training loop: batches in file order or in a seeded shuffled order, one optimizer step
 * per batch, running metrics, a stop at the first non-finite loss, gradient or parameter, and
 * a state that a checkpoint saves so a resumed run continues exactly as an uninterrupted one.
 * No Node imports: a browser app trains with the same code as the CLI.
 *
 * Batching is PyTorch DataLoader's (drop_last=False): an epoch is ceil(N / B) steps, the last
 * one with the N mod B remaining samples when B does not divide N. Without shuffling, step k
 * of an epoch takes samples k·B … k·B+B−1 of the files; with shuffling, the same positions of
 * a permutation drawn at the start of each epoch (Fisher–Yates with the seeded Rng).
 */
import { sizeOf, type Dataset } from './dataset.js';
import { NetspecError } from './errors.js';
import { argmax, evaluate, RunningMetrics, type Evaluation } from './metrics.js';
import type { KernelFactory, Kernels, ModelDescription, NetspecModel } from './model.js';
import { Rng } from './rng.js';

export interface TrainConfig {
  batch: number;
  shuffle: boolean;
  /** Seeds the shuffling (a generator separate from the model's init/dropout one). */
  seed: number;
  /** Length of the whole run (counted from step 0, also when resuming): epochs, or steps. */
  epochs?: number;
  steps?: number;
}

/** Where a run is and what it has summed so far: what a checkpoint stores besides tensors. */
export interface TrainerState {
  /** Steps done in the whole run. */
  step: number;
  /** The current epoch (0-based) and the steps done in it. */
  epoch: number;
  stepInEpoch: number;
  /** The shuffling generator at the start of the current epoch (before its permutation). */
  shuffleRng: number[];
  batch: number;
  shuffle: boolean;
  seed: number;
  samples: number;
  metrics: ReturnType<RunningMetrics['toJSON']>;
}

export interface StepResult {
  /** Steps done in the run, including this one (1-based number of this step). */
  step: number;
  epoch: number;
  stepInEpoch: number;
  n: number;
  loss: number;
  epochDone: boolean;
}

/** Predicted classes of the last training forward, read from the output before backward reuses its memory. */
export interface PredictionTap {
  readonly predictions: Int32Array;
}

/**
 * Wraps a model's kernels so every training forward records each sample's argmax class
 * (the training accuracy without a second forward pass). Classifiers only.
 */
export function tapPredictions(factory: KernelFactory, desc: ModelDescription): { factory: KernelFactory; tap: PredictionTap } {
  const tap = { predictions: new Int32Array(0) };
  const outSize = sizeOf(desc.output.shape);
  const wrapped: KernelFactory = (arena, maxBatch) => {
    const k = factory(arena, maxBatch);
    const outAt = desc.output.at.fixed + desc.output.at.perSample * maxBatch;
    const predictions = new Int32Array(maxBatch);
    tap.predictions = predictions;
    const forwardTrain = k.forwardTrain;
    if (!forwardTrain) return k;
    const kernels: Kernels = Object.assign({}, k, {
      forwardTrain(n: number) {
        forwardTrain(n);
        for (let i = 0; i < n; i++) predictions[i] = argmax(arena, outAt + i * outSize, outSize);
      },
    });
    return kernels;
  };
  return { factory: wrapped, tap };
}

/** Training stopped: a loss, gradient or parameter became NaN or infinite. */
export class TrainingDiverged extends NetspecError {
  constructor(
    message: string,
    readonly step: number,
    readonly tensor: string,
  ) {
    super(message, 1);
    this.name = 'TrainingDiverged';
  }
}

interface NamedView {
  name: string;
  data: ArrayLike<number>;
}

function firstNonFinite(views: NamedView[]): { name: string; index: number; value: number } | undefined {
  for (const { name, data } of views) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v - v !== 0) return { name, index: i, value: v };
    }
  }
  return undefined;
}

/** The shuffling generator of a seed: decorrelated from the model's Rng(seed) by a fixed XOR on the seed's low bits. */
export function shuffleRng(seed: number): Rng {
  const low = seed % 4294967296;
  return new Rng(seed - low + ((low ^ 0x5eed5eed) >>> 0));
}

export class Trainer {
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** Sums of the current epoch (reset when the next epoch starts). */
  readonly epochMetrics: RunningMetrics;
  step = 0;
  epoch = 0;
  stepInEpoch = 0;
  private rng: Rng;
  private epochStartRng: Uint32Array;
  private readonly order: Int32Array;
  private readonly xb: Float32Array;
  private readonly yb: Float32Array | Int32Array;
  private readonly inSize: number;
  private readonly ySize: number;
  private readonly grads: NamedView[];
  private readonly params: NamedView[];

  constructor(
    readonly model: NetspecModel,
    readonly data: Dataset,
    readonly config: TrainConfig,
    private readonly tap?: PredictionTap,
  ) {
    const B = config.batch;
    if (!Number.isInteger(B) || B < 1 || B > model.info.maxBatch) {
      throw new NetspecError(`batch size ${B} is outside 1..${model.info.maxBatch} (maxBatch of the model)`);
    }
    if (config.epochs !== undefined && config.steps !== undefined) throw new NetspecError('give epochs or steps, not both', 2);
    this.stepsPerEpoch = Math.ceil(data.n / B);
    this.totalSteps = config.steps ?? (config.epochs ?? 1) * this.stepsPerEpoch;
    const classes = data.target.kind === 'classes' ? data.target.classes : 0;
    this.epochMetrics = new RunningMetrics(tap ? classes : 0);
    this.rng = shuffleRng(config.seed);
    this.epochStartRng = this.rng.state();
    this.order = new Int32Array(data.n);
    for (let i = 0; i < data.n; i++) this.order[i] = i;
    this.inSize = sizeOf(data.inputShape);
    this.ySize = data.target.kind === 'classes' ? 1 : sizeOf(data.target.shape);
    this.xb = new Float32Array(B * this.inSize);
    this.yb = data.y instanceof Int32Array ? new Int32Array(B) : new Float32Array(B * this.ySize);
    this.grads = model.info.params.map((p) => ({ name: p.name, data: model.grad(p.name) }));
    this.params = model.info.params.map((p) => ({ name: p.name, data: model.param(p.name) }));
  }

  get done(): boolean {
    return this.step >= this.totalSteps;
  }

  /** Epochs of the run, counting a partial last one. */
  get totalEpochs(): number {
    return Math.ceil(this.totalSteps / this.stepsPerEpoch);
  }

  private beginEpoch(): void {
    this.epochStartRng = this.rng.state();
    if (this.config.shuffle) {
      for (let i = 0; i < this.order.length; i++) this.order[i] = i;
      this.rng.shuffle(this.order);
    }
  }

  /** One optimizer step on the next batch. */
  trainStep(): StepResult {
    if (this.stepInEpoch === 0) {
      this.beginEpoch();
      this.epochMetrics.reset();
    }
    const B = this.config.batch;
    const start = this.stepInEpoch * B;
    const n = Math.min(B, this.data.n - start);
    const { x, y } = this.data;
    const xs = this.inSize;
    const ys = this.ySize;
    let xBatch: Float32Array;
    let yBatch: Float32Array | Int32Array;
    if (!this.config.shuffle) {
      xBatch = x.subarray(start * xs, (start + n) * xs);
      yBatch = y.subarray(start * ys, (start + n) * ys);
    } else {
      for (let i = 0; i < n; i++) {
        const s = this.order[start + i]!;
        this.xb.set(x.subarray(s * xs, (s + 1) * xs), i * xs);
        if (ys === 1) this.yb[i] = y[s]!;
        else this.yb.set(y.subarray(s * ys, (s + 1) * ys), i * ys);
      }
      xBatch = this.xb.subarray(0, n * xs);
      yBatch = this.yb.subarray(0, n * ys);
    }
    const loss = this.model.trainStep(xBatch, yBatch, n);
    const number = this.step + 1;
    this.checkFinite(loss, number);
    this.epochMetrics.addBatch(loss, n);
    if (this.tap && this.epochMetrics.classes > 0) {
      const p = this.tap.predictions;
      for (let i = 0; i < n; i++) this.epochMetrics.addPrediction(yBatch[i]!, p[i]!);
    }
    this.step = number;
    this.stepInEpoch += 1;
    const epoch = this.epoch;
    const stepInEpoch = this.stepInEpoch;
    const epochDone = this.stepInEpoch === this.stepsPerEpoch;
    if (epochDone) {
      this.epoch += 1;
      this.stepInEpoch = 0;
    }
    return { step: number, epoch, stepInEpoch, n, loss, epochDone };
  }

  private checkFinite(loss: number, step: number): void {
    const where = `step ${step} (epoch ${this.epoch + 1}, batch ${this.stepInEpoch + 1} of ${this.stepsPerEpoch})`;
    const hint = 'try a lower learning rate';
    const bad = firstNonFinite(this.grads);
    if (bad) {
      throw new TrainingDiverged(
        `training diverged at ${where}: the gradient of '${bad.name}' is ${bad.value} (element ${bad.index}; the loss is ${loss}); ${hint}`,
        step,
        `grad:${bad.name}`,
      );
    }
    if (!Number.isFinite(loss)) {
      throw new TrainingDiverged(`training diverged at ${where}: the loss is ${loss} (all gradients finite); ${hint}`, step, 'loss');
    }
    const badP = firstNonFinite(this.params);
    if (badP) {
      throw new TrainingDiverged(
        `training diverged at ${where}: parameter '${badP.name}' became ${badP.value} in the update (element ${badP.index}); ${hint}`,
        step,
        `param:${badP.name}`,
      );
    }
  }

  state(): TrainerState {
    const rng = this.stepInEpoch > 0 ? this.epochStartRng : this.rng.state();
    return {
      step: this.step,
      epoch: this.epoch,
      stepInEpoch: this.stepInEpoch,
      shuffleRng: Array.from(rng),
      batch: this.config.batch,
      shuffle: this.config.shuffle,
      seed: this.config.seed,
      samples: this.data.n,
      metrics: this.epochMetrics.toJSON(),
    };
  }

  /** Continues from `state()` of a run with the same data, batch size, shuffling and seed. */
  restore(s: TrainerState, source: string): void {
    const differs: string[] = [];
    if (s.samples !== this.data.n) differs.push(`it trained on ${s.samples} samples, the data now has ${this.data.n}`);
    if (s.batch !== this.config.batch) differs.push(`its batch size is ${s.batch}, now ${this.config.batch}`);
    if (s.shuffle !== this.config.shuffle) differs.push(`it was ${s.shuffle ? '' : 'not '}shuffled, now ${this.config.shuffle ? '' : '--no-shuffle is not given'}`.trim());
    if (s.seed !== this.config.seed) differs.push(`its seed is ${s.seed}, now ${this.config.seed}`);
    if (differs.length > 0) throw new NetspecError(`${source}: cannot resume exactly: ${differs.join('; ')}`);
    if (s.stepInEpoch < 0 || s.stepInEpoch >= this.stepsPerEpoch || s.step !== s.epoch * this.stepsPerEpoch + s.stepInEpoch) {
      throw new NetspecError(`${source}: inconsistent position (step ${s.step}, epoch ${s.epoch}, step in epoch ${s.stepInEpoch})`);
    }
    this.step = s.step;
    this.epoch = s.epoch;
    this.stepInEpoch = s.stepInEpoch;
    this.rng = Rng.fromState(s.shuffleRng);
    this.epochStartRng = this.rng.state();
    this.epochMetrics.restore(s.metrics);
    // Mid-epoch: draw this epoch's permutation again from its starting state; the generator
    // ends where the uninterrupted run's did.
    if (this.stepInEpoch > 0) this.beginEpoch();
  }
}

export interface TrainHooks {
  /** Evaluated after every epoch, and at the end when the run ends mid-epoch. */
  test?: Dataset;
  onStep?(r: StepResult): void | Promise<void>;
  onEpochEnd?(epoch: number, train: RunningMetrics, test: Evaluation | undefined): void | Promise<void>;
  /** Before each evaluation of the test set. */
  onEvaluate?(samples: number): void | Promise<void>;
  /** Steps between checkpoints; `onCheckpoint` is called after those steps. */
  checkpointEvery?: number;
  onCheckpoint?(step: number): void | Promise<void>;
}

export interface TrainSummary {
  steps: number;
  samples: number;
  /** The last epoch's (or partial epoch's) running training metrics. */
  train: RunningMetrics;
  /** The last evaluation on the test set, at the end of the run. */
  test?: Evaluation;
}

/** Runs the trainer to its end; hooks see every step, epoch end and checkpoint. */
export async function runTraining(trainer: Trainer, hooks: TrainHooks = {}): Promise<TrainSummary> {
  let samples = 0;
  let steps = 0;
  let test: Evaluation | undefined;
  let testAt = -1;
  while (!trainer.done) {
    const r = trainer.trainStep();
    samples += r.n;
    steps += 1;
    await hooks.onStep?.(r);
    if (r.epochDone) {
      if (hooks.test) {
        await hooks.onEvaluate?.(hooks.test.n);
        test = evaluate(trainer.model, hooks.test);
        testAt = r.step;
      }
      await hooks.onEpochEnd?.(r.epoch, trainer.epochMetrics, test);
    }
    if (hooks.checkpointEvery && r.step % hooks.checkpointEvery === 0) await hooks.onCheckpoint?.(r.step);
  }
  if (hooks.test && testAt !== trainer.step) {
    await hooks.onEvaluate?.(hooks.test.n);
    test = evaluate(trainer.model, hooks.test);
  }
  return { steps, samples, train: trainer.epochMetrics, test };
}
