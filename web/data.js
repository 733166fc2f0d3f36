// The MNIST slice (see web/mnist-slice.ts for its layout), and a seeded shuffler for training.

const PIXELS = 784;

/** @returns {Promise<{train: Split, test: Split}>} where Split = {n, images: Uint8Array, labels: Uint8Array} */
export async function loadSlice(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const view = new DataView(bytes.buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'MNSL' || view.getUint32(4, true) !== 1) throw new Error(`${url}: not an MNIST slice (version 1)`);
  const nTrain = view.getUint32(8, true), nTest = view.getUint32(12, true);
  let at = 16;
  const take = (n) => bytes.subarray(at, (at += n));
  const train = { n: nTrain, images: take(nTrain * PIXELS), labels: take(nTrain) };
  const test = { n: nTest, images: take(nTest * PIXELS), labels: take(nTest) };
  if (at !== bytes.length) throw new Error(`${url}: ${bytes.length} bytes, expected ${at}`);
  return { train, test };
}

/** Digit k of a split as 784 values in [0, 1], written into `out` at `offset`. */
export function digitInto(split, k, out, offset = 0) {
  const src = split.images.subarray(k * PIXELS, (k + 1) * PIXELS);
  for (let i = 0; i < PIXELS; i++) out[offset + i] = src[i] / 255;
  return out;
}

/** mulberry32: a small seeded PRNG, so a run's batches are reproducible. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Batches of a split in a fresh seeded permutation every epoch. */
export class BatchSampler {
  constructor(split, batch, seed) {
    this.split = split;
    this.batch = batch;
    this.random = seededRandom(seed);
    this.order = Uint32Array.from({ length: split.n }, (_, i) => i);
    this.pos = split.n;
    this.x = new Float32Array(batch * PIXELS);
    this.y = new Float32Array(batch);
  }

  /** Fills and returns {x, y} for the next batch. */
  next() {
    for (let i = 0; i < this.batch; i++) {
      if (this.pos === this.split.n) this.shuffle();
      const k = this.order[this.pos++];
      digitInto(this.split, k, this.x, i * PIXELS);
      this.y[i] = this.split.labels[k];
    }
    return { x: this.x, y: this.y };
  }

  shuffle() {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    this.pos = 0;
  }
}
