// netspec reconstruct SPEC --weights W --data mnist --out grid.png [--count 16]: an
// autoencoder's reconstructions of the first COUNT images (MNIST: of its test set) as a PNG
// grid, originals in the top row and reconstructions below them.
//
// Layout: grayscale 8-bit, tiles of the image size (28×28 for MNIST) separated and framed by
// 2-pixel mid-gray (128) borders; width = COUNT·(W+2)+2, height = 2·(H+2)+2. Tile k of a row
// starts at x = 2 + k·(W+2); the originals' row at y = 2, the reconstructions' at y = H+4.
// A value v in [0, 1] becomes round(255·v), clamped to 0..255.
import { createRequire } from 'node:module';
import { sizeOf, targetOf } from '../../runtime/dataset.js';
import { NetspecError } from '../../runtime/errors.js';
import { readFileBytes, writeFileAtomic } from '../../runtime/node-io.js';
import { compileModel } from '../build.js';
import { loadModel } from './common.js';
import { buildModel, loadDataset } from './train.js';

interface PngImage {
  width: number;
  height: number;
  data: Uint8Array;
}
interface PngModule {
  PNG: {
    new (o: { width: number; height: number }): PngImage;
    sync: { write(png: PngImage, o?: { colorType?: number }): Uint8Array; read(bytes: Uint8Array): PngImage };
  };
}

export const GAP = 2;
const BORDER = 128;

/** [784] → 28×28; [H, W] and [1, H, W] as they are. */
export function imageSize(shape: readonly number[]): { h: number; w: number } | undefined {
  if (shape.length === 1 && shape[0] === 784) return { h: 28, w: 28 };
  if (shape.length === 2) return { h: shape[0]!, w: shape[1]! };
  if (shape.length === 3 && shape[0] === 1) return { h: shape[1]!, w: shape[2]! };
  return undefined;
}

/** The grid as a PNG: `originals` and `outputs` hold `count` images of h·w values in [0, 1]. */
export function renderGrid(originals: ArrayLike<number>, outputs: ArrayLike<number>, count: number, h: number, w: number): Uint8Array {
  const { PNG } = createRequire(import.meta.url)('pngjs') as PngModule;
  const width = count * (w + GAP) + GAP;
  const height = 2 * (h + GAP) + GAP;
  const png = new PNG({ width, height });
  png.data.fill(BORDER);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  const put = (src: ArrayLike<number>, k: number, row: number) => {
    const x0 = GAP + k * (w + GAP);
    const y0 = GAP + row * (h + GAP);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = Math.min(255, Math.max(0, Math.round(255 * src[k * h * w + y * w + x]!)));
        const at = 4 * ((y0 + y) * width + x0 + x);
        png.data[at] = png.data[at + 1] = png.data[at + 2] = Number.isNaN(v) ? 0 : v;
      }
    }
  };
  for (let k = 0; k < count; k++) {
    put(originals, k, 0);
    put(outputs, k, 1);
  }
  return PNG.sync.write(png, { colorType: 0 });
}

export async function reconstructCommand(
  specPath: string,
  o: { weights: string; data: string; out: string; count: number; target: 'ts' | 'wasm' },
): Promise<number> {
  const spec = loadModel(specPath);
  const compiled = compileModel(spec);
  const target = targetOf(compiled.description);
  const img = imageSize(spec.inputShape);
  const sameShape = target.kind === 'values' && sizeOf(target.shape) === sizeOf(spec.inputShape);
  if (!sameShape || !img) {
    throw new NetspecError(
      `reconstruct needs an autoencoder of images: a spec with loss mse whose output is shaped like its input, [784], [H, W] or [1, H, W]; ` +
        `'${spec.name}' maps [${spec.inputShape.join(', ')}] to [${compiled.description.output.shape.join(', ')}] with loss ${compiled.description.loss?.name ?? 'none'}`,
    );
  }
  const data = loadDataset(o.data, { name: spec.name, inputShape: [...spec.inputShape], target }, '--data', 'test');
  if (o.count > data.n) throw new NetspecError(`--count ${o.count}: ${data.source} has only ${data.n} images`);
  const batch = Math.min(o.count, 64);
  const { model } = await buildModel(compiled, o.target, { maxBatch: batch, seed: 0 });
  model.loadWeights(readFileBytes(o.weights, 'weights'), o.weights);
  const per = sizeOf(spec.inputShape);
  const originals = data.x.subarray(0, o.count * per);
  const outputs = new Float32Array(o.count * per);
  for (let s = 0; s < o.count; s += batch) {
    const n = Math.min(batch, o.count - s);
    outputs.set(model.forward(originals.subarray(s * per, (s + n) * per), n), s * per);
  }
  writeFileAtomic(o.out, renderGrid(originals, outputs, o.count, img.h, img.w), 'image');
  let sq = 0;
  for (let i = 0; i < outputs.length; i++) sq += (outputs[i]! - originals[i]!) ** 2;
  process.stdout.write(`${o.out}: ${o.count} images of ${data.source} (top) and their reconstructions (bottom); mse ${(sq / outputs.length).toPrecision(4)}\n`);
  return 0;
}
