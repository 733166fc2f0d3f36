// The generated module's public API around its compiled kernels: one arena, seeded init,
// weights in and out as safetensors, forward, trainStep (forward + backward + optimizer),
// and every block callable alone. Allocates nothing on the hot path.
import { NetspecError } from './errors.js';
import { initParameter } from './init.js';
import { createOptimizer, type Optimizer, type OptimizerConfig, type OptimizerState } from './optim.js';
import { createRng, Rng } from './rng.js';
import { matchWeights, readSafetensors, writeSafetensors } from './safetensors.js';

/** An arena offset in elements: fixed + perSample·maxBatch. */
export interface Region {
  fixed: number;
  perSample: number;
}

export interface TensorSlot {
  shape: number[];
  at: Region;
}

/** What the compiler tells the runtime about a model (emitted as a constant beside its kernels). */
export interface ModelDescription {
  netspec: string;
  name: string;
  description?: string;
  input: TensorSlot;
  output: TensorSlot;
  /** Targets: class indices (classes set) or values shaped like the output. */
  target?: TensorSlot & { classes?: number };
  loss?: { name: string; at: Region };
  optimizer?: OptimizerConfig;
  params: { name: string; shape: number[]; offset: number; bound: number }[];
  paramRegion: { offset: number; size: number };
  gradRegion: { offset: number };
  optimizerState: { offset: number; slots: number };
  masks: { at: Region; size: number; p: number }[];
  blocks: { name: string; input: TensorSlot; output: TensorSlot }[];
  arena: Region;
  flops: number;
  /** Where dL/dx lands, when the model was compiled with the input gradient. */
  inputGrad?: Region;
}

export type FloatArena = Float32Array | Float64Array;

/** The compiled kernels: functions of the batch size over the arena. */
export interface Kernels {
  forward(n: number): void;
  forwardTrain?(n: number): void;
  backward?(n: number): void;
  [block: string]: ((n: number) => void) | undefined;
}

export type KernelFactory<A extends FloatArena = FloatArena> = (arena: A, maxBatch: number) => Kernels;

/** Kernels that own their arena (the wasm target: a view of the module's memory). */
export interface ArenaKernels {
  arena: FloatArena;
  kernels: Kernels;
  /** Runs the optimizer's update in the kernels (same arithmetic), keeping its state and API. */
  wrapOptimizer?(optimizer: Optimizer): Optimizer;
}

export interface ArenaKernelFactory {
  ownsArena: true;
  /** An arena of exactly `elements` values and the kernels over it. */
  create(maxBatch: number, elements: number): ArenaKernels;
}

export interface ModelOptions {
  maxBatch?: number;
  /** Seed of the initial weights and of dropout masks. */
  seed?: number;
  /** Float64 arena, for gradient checks (TypeScript target only). */
  float64?: boolean;
  /** Overrides the spec's learning rate. */
  lr?: number;
  /** Which compiled kernels a generated module runs: 'ts' or 'wasm' (where both were compiled). */
  target?: 'ts' | 'wasm';
}

export interface ModelInfo {
  name: string;
  inputShape: number[];
  outputShape: number[];
  paramCount: number;
  flopsPerSample: number;
  maxBatch: number;
  arenaBytes: number;
  params: { name: string; shape: number[] }[];
}

export interface BlockRunner {
  forward(x: ArrayLike<number>, n: number): FloatArena;
  inputShape: number[];
  outputShape: number[];
}

export interface NetspecModel {
  readonly info: ModelInfo;
  /** Inference; returns a view of the arena (valid until the next call). */
  forward(x: ArrayLike<number>, n: number): FloatArena;
  /** Forward + backward + optimizer update; returns the batch's loss. */
  trainStep(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number;
  /** Forward + backward only (gradients left in the arena); returns the loss. */
  computeGradients(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number;
  loadWeights(bytes: Uint8Array, source?: string): void;
  saveWeights(metadata?: Record<string, string>): Uint8Array;
  /** A parameter's values (a view) by state_dict name. */
  param(name: string): FloatArena;
  /** A parameter's gradient from the last backward (a view). */
  grad(name: string): FloatArena;
  /** dL/dx of the last backward's n samples (a view), when compiled with the input gradient. */
  inputGrad(n: number): FloatArena;
  readonly optimizer: Optimizer | undefined;
  optimizerState(): OptimizerState | undefined;
  loadOptimizerState(state: OptimizerState): void;
  rngState(): Uint32Array;
  setRngState(words: ArrayLike<number>): void;
  readonly arena: FloatArena;
  readonly blocks: Record<string, BlockRunner>;
  [block: string]: unknown;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function createRuntimeModel(desc: ModelDescription, factory: KernelFactory | ArenaKernelFactory, options: ModelOptions = {}): NetspecModel {
  const maxBatch = options.maxBatch ?? 64;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new NetspecError(`maxBatch must be a positive integer, got ${maxBatch}`);
  const elements = desc.arena.fixed + desc.arena.perSample * maxBatch;
  let arena: FloatArena;
  let kernels: Kernels;
  let wrapOptimizer: ArenaKernels['wrapOptimizer'];
  if (typeof factory === 'function') {
    arena = options.float64 ? new Float64Array(elements) : new Float32Array(elements);
    kernels = factory(arena, maxBatch);
  } else {
    if (options.float64) throw new NetspecError('a float64 arena is only available with the TypeScript target');
    ({ arena, kernels, wrapOptimizer } = factory.create(maxBatch, elements));
  }
  const at = (r: Region) => r.fixed + r.perSample * maxBatch;
  const rng: { current: Rng } = { current: createRng(options.seed ?? 0) };
  const P = desc.paramRegion.size;
  const params = arena.subarray(desc.paramRegion.offset, desc.paramRegion.offset + P);
  const grads = arena.subarray(desc.gradRegion.offset, desc.gradRegion.offset + P);
  for (const p of desc.params) initParameter(rng.current, { kind: 'uniform', bound: p.bound }, arena.subarray(p.offset, p.offset + size(p.shape)));

  let optimizer: Optimizer | undefined;
  if (desc.optimizer) {
    const config = { ...desc.optimizer, ...(options.lr !== undefined ? { lr: options.lr } : {}) } as OptimizerConfig;
    const o = desc.optimizerState;
    const buffers = Array.from({ length: o.slots }, (_, k) => arena.subarray(o.offset + k * P, o.offset + (k + 1) * P));
    optimizer = createOptimizer(config, P, { buffers });
    if (wrapOptimizer) optimizer = wrapOptimizer(optimizer);
  }

  const inSize = size(desc.input.shape);
  const outSize = size(desc.output.shape);
  const inputAt = at(desc.input.at);
  const outputAt = at(desc.output.at);
  const checkBatch = (n: number, what: string) => {
    if (!Number.isInteger(n) || n < 1 || n > maxBatch) {
      throw new NetspecError(`${what}: batch size ${n} is outside 1..${maxBatch} (maxBatch of this model instance)`);
    }
  };
  const copyIn = (x: ArrayLike<number>, n: number, per: number, offset: number, what: string, shape: readonly number[]) => {
    if (x.length !== n * per) {
      throw new NetspecError(`${what}: expected ${n}×[${shape.join(',')}] = ${n * per} values, got ${x.length}`);
    }
    if (ArrayBuffer.isView(x)) arena.set(x as unknown as ArrayLike<number>, offset);
    else for (let i = 0; i < x.length; i++) arena[offset + i] = x[i];
  };

  // Views of the arena per batch size, made once: the hot path allocates nothing.
  const viewCache = (offset: number, per: number) => {
    const views: FloatArena[] = [];
    return (n: number) => (views[n] ??= arena.subarray(offset, offset + n * per));
  };
  const outputView = viewCache(outputAt, outSize);
  const forward = (x: ArrayLike<number>, n: number): FloatArena => {
    checkBatch(n, 'forward');
    copyIn(x, n, inSize, inputAt, `${desc.name}.forward input`, desc.input.shape);
    kernels.forward(n);
    return outputView(n);
  };

  const computeGradients = (x: ArrayLike<number>, y: ArrayLike<number>, n: number): number => {
    if (!desc.target || !desc.loss || !kernels.forwardTrain || !kernels.backward) {
      throw new NetspecError(`model '${desc.name}' has no loss: add one to its spec (loss: cross_entropy or mse) to train it`);
    }
    checkBatch(n, 'trainStep');
    copyIn(x, n, inSize, inputAt, `${desc.name}.trainStep input`, desc.input.shape);
    const t = desc.target;
    const tSize = Math.max(1, size(t.shape));
    const tAt = at(t.at);
    if (t.classes !== undefined) {
      if (y.length !== n) throw new NetspecError(`trainStep targets: expected ${n} class indices, got ${y.length}`);
      for (let i = 0; i < n; i++) {
        const c = y[i];
        if (!Number.isInteger(c) || c < 0 || c >= t.classes) {
          throw new NetspecError(`trainStep targets: sample ${i} has class ${c}, outside 0..${t.classes - 1}`);
        }
        arena[tAt + i] = c;
      }
    } else copyIn(y, n, tSize, tAt, 'trainStep targets', t.shape);
    for (const m of desc.masks) {
      const off = at(m.at);
      const keep = 1 / (1 - m.p);
      for (let i = 0; i < n * m.size; i++) arena[off + i] = rng.current.uniform() < m.p ? 0 : keep;
    }
    kernels.forwardTrain(n);
    kernels.backward(n);
    return arena[at(desc.loss.at)];
  };

  const byName = new Map(desc.params.map((p) => [p.name, p]));
  const view = (name: string, base: number) => {
    const p = byName.get(name);
    if (!p) throw new NetspecError(`model '${desc.name}' has no parameter '${name}'`);
    const off = base + (p.offset - desc.paramRegion.offset);
    return arena.subarray(off, off + size(p.shape));
  };

  const blocks: Record<string, BlockRunner> = {};
  for (const b of desc.blocks) {
    const k = kernels[`block_${b.name}`];
    if (!k) throw new Error(`internal: no kernel for block ${b.name}`);
    const bIn = size(b.input.shape);
    const bOut = size(b.output.shape);
    const blockOut = viewCache(at(b.output.at), bOut);
    blocks[b.name] = {
      inputShape: b.input.shape,
      outputShape: b.output.shape,
      forward(x, n) {
        checkBatch(n, `${b.name}.forward`);
        copyIn(x, n, bIn, at(b.input.at), `${b.name}.forward input`, b.input.shape);
        k(n);
        return blockOut(n);
      },
    };
  }

  const model: NetspecModel = {
    info: {
      name: desc.name,
      inputShape: desc.input.shape,
      outputShape: desc.output.shape,
      paramCount: P,
      flopsPerSample: desc.flops,
      maxBatch,
      arenaBytes: elements * arena.BYTES_PER_ELEMENT,
      params: desc.params.map((p) => ({ name: p.name, shape: p.shape })),
    },
    forward,
    computeGradients,
    trainStep(x, y, n) {
      const loss = computeGradients(x, y, n);
      if (!optimizer) throw new NetspecError(`model '${desc.name}' has no optimizer: add one to its spec to train it`);
      optimizer.step(params, grads);
      return loss;
    },
    loadWeights(bytes, source = 'weights') {
      const file = readSafetensors(bytes, source);
      const values = matchWeights(desc.params, file, source);
      desc.params.forEach((p, i) => arena.set(values[i], p.offset));
    },
    saveWeights(metadata) {
      return writeSafetensors(
        desc.params.map((p) => ({ name: p.name, shape: p.shape, data: Float32Array.from(arena.subarray(p.offset, p.offset + size(p.shape))) })),
        metadata,
      );
    },
    param: (name) => view(name, desc.paramRegion.offset),
    grad: (name) => view(name, desc.gradRegion.offset),
    inputGrad(n) {
      if (!desc.inputGrad) throw new NetspecError(`model '${desc.name}' was compiled without the input gradient`);
      checkBatch(n, 'inputGrad');
      const o = at(desc.inputGrad);
      return arena.subarray(o, o + n * inSize);
    },
    optimizer,
    optimizerState: () => optimizer?.state(),
    loadOptimizerState(state) {
      if (!optimizer) throw new NetspecError(`model '${desc.name}' has no optimizer`);
      optimizer.loadState(state);
    },
    rngState: () => rng.current.state(),
    setRngState(words) {
      rng.current = Rng.fromState(words);
    },
    arena,
    blocks,
  };
  for (const [name, runner] of Object.entries(blocks)) if (!(name in model)) model[name] = runner;
  return model;
}
