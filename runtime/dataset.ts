/**
 * Training data in memory, checked against a model: inputs as float32 [N, ...input shape],
 * targets as class indices [N] (cross_entropy) or float32 [N, ...output shape] (mse).
 * Pure (no file access): callers read the bytes, these functions check and convert them,
 * and every complaint names the file it is about.
 */
import { NetspecError } from './errors.js';
import type { IdxArray } from './idx.js';
import type { ModelDescription } from './model.js';
import { asClassIndices, asFloat32, type NpyArray } from './npy.js';

/** What a model trains against: class indices, or values shaped like its output. */
export type TrainTarget = { kind: 'classes'; classes: number } | { kind: 'values'; shape: number[] };

export interface Dataset {
  /** [n, ...inputShape], row-major. */
  x: Float32Array;
  /** Class indices [n], or values [n, ...target shape]. */
  y: Int32Array | Float32Array;
  n: number;
  inputShape: number[];
  target: TrainTarget;
  /** What it was read from, for messages ("mnist train", "x.npy,y.npy"). */
  source: string;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** The target a model's loss expects, from its description; an error when it has no loss. */
export function targetOf(desc: ModelDescription): TrainTarget {
  if (!desc.target || !desc.loss) {
    throw new NetspecError(`model '${desc.name}' has no loss: add one to its spec (loss: cross_entropy or mse) to train it`);
  }
  if (desc.target.classes !== undefined) return { kind: 'classes', classes: desc.target.classes };
  return { kind: 'values', shape: desc.target.shape };
}

function checkClasses(y: Int32Array, classes: number, source: string): void {
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (c < 0 || c >= classes) {
      throw new NetspecError(`${source}: class ${c} at sample ${i} is outside 0..${classes - 1} (the spec's output has ${classes} classes)`);
    }
  }
}

/** Inputs and targets from two .npy arrays (`xName`, `yName`: their file names). */
export function datasetFromNpy(
  inputShape: number[],
  target: TrainTarget,
  xArr: NpyArray,
  yArr: NpyArray,
  xName: string,
  yName: string,
): Dataset {
  const okX = xArr.shape.length === inputShape.length + 1 && inputShape.every((d, i) => xArr.shape[i + 1] === d);
  if (!okX) {
    throw new NetspecError(`${xName}: inputs must be shaped [N, ${inputShape.join(', ')}] (N samples of the spec's input ${fmt(inputShape)}), got ${fmt(xArr.shape)}`);
  }
  const x = asFloat32(xArr, xName);
  const n = xArr.shape[0]!;
  if (n === 0) throw new NetspecError(`${xName}: has no samples (shape ${fmt(xArr.shape)})`);
  let y: Int32Array | Float32Array;
  if (target.kind === 'classes') {
    if (yArr.shape.length !== 1) {
      throw new NetspecError(`${yName}: cross_entropy targets must be class indices shaped [N], got ${fmt(yArr.shape)}`);
    }
    y = asClassIndices(yArr, yName);
  } else {
    const t = target.shape;
    const okY = yArr.shape.length === t.length + 1 && t.every((d, i) => yArr.shape[i + 1] === d);
    if (!okY) {
      throw new NetspecError(`${yName}: mse targets must be shaped like the output, [N, ${t.join(', ')}], got ${fmt(yArr.shape)}`);
    }
    if (!(yArr.data instanceof Float32Array || yArr.data instanceof Float64Array)) {
      throw new NetspecError(`${yName}: mse targets must be float32 (or float64), got ${yArr.dtype === 'i8' ? 'int64' : yArr.dtype === 'i4' ? 'int32' : 'uint8'}`);
    }
    y = asFloat32(yArr, yName);
  }
  if (yArr.shape[0] !== n) {
    throw new NetspecError(`${xName} has ${n} samples but ${yName} has ${yArr.shape[0]}: they must have the same first dimension`);
  }
  if (y instanceof Int32Array && target.kind === 'classes') checkClasses(y, target.classes, yName);
  return { x, y, n, inputShape, target, source: `${xName},${yName}` };
}

/** IDX images (uint8 scaled to [0, 1]; float types as they are) as float32. */
function idxImages(images: IdxArray): Float32Array {
  const d = images.data;
  if (d instanceof Uint8Array) {
    const out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = d[i]! / 255;
    return out;
  }
  return Float32Array.from(d);
}

/**
 * Images and labels from IDX files (MNIST's format). The images' per-sample size must equal
 * the spec's input size (28×28 MNIST digits fit [1, 28, 28] and [784] alike). Classifiers train
 * on the labels; an mse model whose output is shaped like its input (an autoencoder) trains
 * to reproduce the images, which then serve as their own targets.
 */
export function datasetFromIdx(
  inputShape: number[],
  target: TrainTarget,
  images: IdxArray,
  labels: IdxArray | undefined,
  imagesName: string,
  labelsName: string,
  what = 'images',
): Dataset {
  const n = images.shape[0]!;
  const per = images.shape.slice(1);
  const inSize = sizeOf(inputShape);
  if (images.shape.length < 2 || sizeOf(per) !== inSize) {
    throw new NetspecError(
      `${imagesName}: ${what} of shape ${fmt(per)} (${sizeOf(per)} values each) do not fit the spec's input ${fmt(inputShape)} (${inSize} values); ` +
        `28×28 images need an input of [1, 28, 28] or [784]`,
    );
  }
  if (n === 0) throw new NetspecError(`${imagesName}: has no ${what}`);
  const x = idxImages(images);
  let y: Int32Array | Float32Array;
  if (target.kind === 'classes') {
    if (!labels) throw new NetspecError(`${imagesName}: a classifier needs labels beside the ${what}`);
    if (labels.shape.length !== 1) throw new NetspecError(`${labelsName}: labels must be shaped [N], got ${fmt(labels.shape)}`);
    if (labels.shape[0] !== n) {
      throw new NetspecError(`${imagesName} has ${n} ${what} but ${labelsName} has ${labels.shape[0]} labels: they must agree`);
    }
    if (labels.data instanceof Float32Array || labels.data instanceof Float64Array) {
      throw new NetspecError(`${labelsName}: labels must be integers, got floating-point values`);
    }
    y = Int32Array.from(labels.data);
    checkClasses(y, target.classes, labelsName);
  } else {
    if (sizeOf(target.shape) !== inSize) {
      throw new NetspecError(
        `${imagesName}: a spec with loss mse trains on images only as an autoencoder, whose output is shaped like its input; ` +
          `this spec's output is ${fmt(target.shape)}, its input ${fmt(inputShape)}`,
      );
    }
    y = x; // the images are their own targets
  }
  return { x, y, n, inputShape, target, source: labels ? `${imagesName},${labelsName}` : imagesName };
}
