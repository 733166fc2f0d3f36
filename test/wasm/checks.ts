// What the wasm suites measure, shared by the vitest files and the relaxed-SIMD child process
// (which runs under node --experimental-wasm-relaxed-simd): errors of the wasm target against
// the PyTorch fixtures, and against the TypeScript target on specs covering every op.
import { readFileSync } from 'node:fs';
import { compileModel, instantiate, instantiateAsync, type Compiled } from '../../compiler/build.js';
import { checkSource } from '../../compiler/pipeline.js';
import { asClassIndices, asFloat32, readNpy } from '../../runtime/npy.js';
import { createRng } from '../../runtime/rng.js';
import { readSafetensors } from '../../runtime/safetensors.js';

export type Variant = 'simd' | 'relaxed';
export const NETS = ['cnn', 'rnn', 'autoencoder'] as const;

/** max |a − b| / max |b|: error relative to the tensor's scale. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? err : err / scale;
}

export function compileText(yaml: string, path = 'test.yaml'): Compiled {
  const r = checkSource(path, yaml);
  if (!r.model) throw new Error(`${path} has diagnostics: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return compileModel(r.model);
}

export interface ReferenceErrors {
  output: number;
  loss: number;
  grad: number;
  worstGrad: string;
  losses3: number;
  /** After 3 steps: max|ours − torch| / max|torch − init|, against torch float32 and float64. */
  after3: number;
  after3f64: number;
  /** torch float32 vs float64 in that metric: where it exceeds 1e-4, float32 runs cannot agree to 1e-4. */
  floor: number;
}

/** The wasm target on test/reference/<net>: the same checks as test/reference/parity.test.ts. */
export async function referenceErrors(net: string, variant: Variant): Promise<ReferenceErrors> {
  const B = 4;
  const dir = new URL(`../reference/${net}/`, import.meta.url);
  const read = (f: string) => readFileSync(new URL(f, dir));
  const yArr = readNpy(read('y.npy'), 'y.npy');
  const x = asFloat32(readNpy(read('x.npy'), 'x.npy'), 'x.npy');
  const y = yArr.dtype === 'f4' ? asFloat32(yArr, 'y.npy') : asClassIndices(yArr, 'y.npy');
  const expected = JSON.parse(read('expected.json').toString()) as { loss: number; losses3: number[]; torch_f32_vs_f64_after3: number };
  const batch = (arr: Float32Array | Int32Array, k: number) => arr.subarray((k * B * arr.length) / 12, ((k + 1) * B * arr.length) / 12);
  const c = compileText(readFileSync(`specs/${net}.yaml`, 'utf8'), `specs/${net}.yaml`);
  const make = async () => {
    const m = await instantiateAsync(c, { maxBatch: B, seed: 1, target: 'wasm', wasmVariant: variant });
    m.loadWeights(read('init.safetensors'), 'init.safetensors');
    return m;
  };
  const m = await make();
  const output = relErr(m.forward(batch(x, 0), B), asFloat32(readNpy(read('output.npy'), 'output.npy'), 'output.npy'));
  const loss = m.computeGradients(batch(x, 0), batch(y, 0), B);
  let grad = 0;
  let worstGrad = '';
  for (const [name, t] of readSafetensors(read('grads.safetensors'))) {
    const e = relErr(m.grad(name), t.data as Float32Array);
    if (e >= grad) [grad, worstGrad] = [e, name];
  }
  const m3 = await make();
  const losses = [0, 1, 2].map((k) => m3.trainStep(batch(x, k), batch(y, k), B));
  const losses3 = Math.max(...losses.map((l, k) => Math.abs(l - expected.losses3[k]) / expected.losses3[k]));
  const init = readSafetensors(read('init.safetensors'));
  const moveMetric = (file: string) => {
    let diff = 0;
    let moved = 0;
    for (const [name, t] of readSafetensors(read(file))) {
      const theirs = t.data as Float32Array | Float64Array;
      const start = init.get(name)!.data as Float32Array;
      const ours = m3.param(name);
      for (let i = 0; i < theirs.length; i++) {
        diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
        moved = Math.max(moved, Math.abs(theirs[i] - start[i]));
      }
    }
    return diff / moved;
  };
  return {
    output, loss: Math.abs(loss - expected.loss) / Math.abs(expected.loss), grad, worstGrad, losses3,
    after3: moveMetric('after3.safetensors'), after3f64: moveMetric('after3_f64.safetensors'), floor: expected.torch_f32_vs_f64_after3,
  };
}

const spec = (name: string, input: number[], layers: string[], loss: string, optimizer: string) =>
  [`netspec: 1`, `name: ${name}`, `input: {shape: [${input.join(', ')}]}`, 'layers:', ...layers.map((l) => `  - ${l}`), `loss: ${loss}`, `optimizer: ${optimizer}`].join('\n') + '\n';

/** Small specs that together use every op, attribute form, loss and optimizer setting. */
export const OP_SPECS: Record<string, string> = {
  conv_pools: spec('conv_pools', [3, 11, 10], [
    'conv2d: {filters: 5, kernel: 3, stride: 2, padding: 2, dilation: 2}', 'relu',
    'maxpool2d: {kernel: 3, stride: 1, padding: 1}',
    'conv2d: {filters: 6, kernel: [3, 2], stride: [1, 2], padding: [1, 0], bias: false}', 'sigmoid',
    'avgpool2d: {kernel: 2, stride: 1, padding: 1}', 'tanh', 'flatten', 'dropout: {p: 0.3}',
    'dense: {units: 7}', 'softmax',
  ], 'mse', '{sgd: {lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01}}'),
  conv_wide: spec('conv_wide', [2, 9, 13], [
    'conv2d: {filters: 9, kernel: 1}', 'relu', 'conv2d: {filters: 4, kernel: [2, 3], stride: [3, 1], dilation: [2, 1], padding: [2, 1]}',
    'maxpool2d: {kernel: [2, 3], stride: [2, 2]}', 'flatten', 'dense: {units: 3, bias: false}',
  ], 'cross_entropy', '{sgd: {lr: 0.1, momentum: 0.5, dampening: 0.2}}'),
  // relu zeros make maxpool ties (the first tap wins, also for the argmax): the vectorized,
  // if-converted unpadded pool with a 3-tap window and an overlapping last vector step
  pool_ties: spec('pool_ties', [2, 12, 15], [
    'conv2d: {filters: 3, kernel: 1}', 'relu', 'maxpool2d: {kernel: 3}', 'relu', 'maxpool2d: {kernel: [1, 2], stride: 1}',
    'flatten', 'dense: {units: 3}',
  ], 'cross_entropy', '{sgd: {lr: 0.1}}'),
  lstm_sequence: spec('lstm_sequence', [6, 5], [
    'lstm: {hidden: 7, layers: 2, output: sequence}', 'tanh', 'flatten', 'dense: {units: 4}',
  ], 'cross_entropy', '{adam: {lr: 0.01, weight_decay: 0.001}}'),
  lstm_last: spec('lstm_last', [9, 3], [
    'lstm: {hidden: 12, output: last, bias: false}', 'dropout', 'dense: {units: 5}', 'sigmoid',
  ], 'mse', '{adam: {lr: 0.002, betas: [0.8, 0.99], eps: 0.0001}}'),
  blocks: spec('blocks', [37], [
    'block: {name: enc, layers: [{dense: {units: 13}}, tanh, {dense: {units: 6}}, sigmoid]}',
    'block: {name: dec, layers: [{dense: {units: 21}}, relu, {dense: {units: 37}}]}',
  ], 'mse', '{sgd: {lr: 0.01}}'),
};

export interface TargetErrors {
  forward: number;
  loss: number;
  grad: number;
  blocks: number;
  train: number;
}

/** The wasm target against the TypeScript target: forward, loss, gradients, blocks, 3 train steps. */
export async function targetErrors(yaml: string, variant: Variant, batch = 5): Promise<TargetErrors> {
  const c = compileText(yaml);
  const opts = { maxBatch: 8, seed: 3 };
  const ts = instantiate(c, opts);
  const wa = await instantiateAsync(c, { ...opts, target: 'wasm', wasmVariant: variant });
  const rng = createRng(11);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: batch * size(ts.info.inputShape) }, () => rng.uniformRange(-1, 1));
  const classes = c.description.target?.classes;
  const y = classes !== undefined
    ? Float32Array.from({ length: batch }, () => Math.floor(rng.uniform() * classes))
    : Float32Array.from({ length: batch * size(ts.info.outputShape) }, () => rng.uniform());
  const forward = relErr(wa.forward(x, batch), ts.forward(x, batch));
  const lw = wa.computeGradients(x, y, batch);
  const lt = ts.computeGradients(x, y, batch);
  let grad = 0;
  for (const p of ts.info.params) grad = Math.max(grad, relErr(wa.grad(p.name), ts.grad(p.name)));
  let blocks = 0;
  for (const [name, b] of Object.entries(ts.blocks)) {
    const bx = Float32Array.from({ length: batch * size(b.inputShape) }, () => rng.uniformRange(-1, 1));
    blocks = Math.max(blocks, relErr(wa.blocks[name].forward(bx, batch), b.forward(bx, batch)));
  }
  for (let k = 0; k < 3; k++) {
    ts.trainStep(x, y, batch);
    wa.trainStep(x, y, batch);
  }
  let train = 0;
  for (const p of ts.info.params) train = Math.max(train, relErr(wa.param(p.name), ts.param(p.name)));
  return { forward, loss: Math.abs(lw - lt) / Math.abs(lt), grad, blocks, train };
}
