/**
 * Optimizer updates over one flat parameter vector (all parameters are contiguous in the
 * arena), exactly as torch.optim documents them (maximize, amsgrad, AdamW: not supported).
 *
 * SGD (torch.optim.SGD, PyTorch 1.13 `_single_tensor_sgd`):
 *   g = grad + wd·p
 *   if momentum ≠ 0:  b = (first step) ? g : momentum·b + (1 − dampening)·g
 *                     g = nesterov ? g + momentum·b : b
 *   p = p − lr·g
 * Adam (torch.optim.Adam, L2 weight decay, PyTorch 1.13 `_single_tensor_adam`):
 *   t += 1;  g = grad + wd·p
 *   m = b1·m + (1 − b1)·g;  v = b2·v + (1 − b2)·g·g
 *   step_size = lr / (1 − b1^t)                   (float64, as Python scalars)
 *   denom = sqrt(v) / sqrt(1 − b2^t) + eps
 *   p = p − step_size·m / denom
 *
 * Precision: the update runs in the precision of the arrays. For Float32Array every tensor op
 * is rounded to float32 in PyTorch's order (Math.fround; a float32 product is exact in float64,
 * so `x + alpha·y` rounds once, like the fused multiply-add of PyTorch's vectorized CPU `add`),
 * and Python-scalar coefficients are rounded to float32 as PyTorch casts them; Float64Array
 * (gradient checks) computes in float64 with the same order.
 */
import { NetspecError } from './errors.js';

export interface SgdConfig {
  kind: 'sgd';
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weight_decay: number;
}

export interface AdamConfig {
  kind: 'adam';
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
}

export type OptimizerConfig = SgdConfig | AdamConfig;
export type FloatArray = Float32Array | Float64Array;

/** What a checkpoint holds: steps taken, and the state buffers (SGD: [momentum] or []; Adam: [m, v]). */
export interface OptimizerState {
  step: number;
  buffers: FloatArray[];
}

export interface Optimizer {
  readonly config: Readonly<OptimizerConfig>;
  readonly size: number;
  /** Steps taken so far (Adam's t). */
  readonly stepCount: number;
  readonly lr: number;
  /** One update of `params` in place from `grads`; allocates nothing. */
  step(params: FloatArray, grads: FloatArray): void;
  /** A copy of the state, for a checkpoint. */
  state(): OptimizerState;
  /** Resumes from `state()` of an optimizer of the same kind and size (values are copied in). */
  loadState(state: OptimizerState): void;
  setLr(lr: number): void;
}

export interface OptimizerOptions {
  /**
   * The state buffers, when the caller keeps them in its arena (views of length `size`,
   * `optimizerBufferCount(config)` of them, zero-filled). Otherwise they are allocated.
   */
  buffers?: FloatArray[];
  /** Precision of allocated buffers (default float32); must match the arrays given to `step`. */
  precision?: 'float32' | 'float64';
}

/** How many state buffers of `size` values the optimizer keeps (for the arena plan). */
export function optimizerBufferCount(config: OptimizerConfig): number {
  if (config.kind === 'adam') return 2;
  return config.momentum !== 0 ? 1 : 0;
}

function validate(config: OptimizerConfig): void {
  const bad = (msg: string): never => {
    throw new NetspecError(`optimizer ${config.kind}: ${msg}`);
  };
  const nonNeg = (name: string, v: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`${name} must be a finite number >= 0, got ${v}`);
  };
  nonNeg('lr', config.lr);
  nonNeg('weight_decay', config.weight_decay);
  if (config.kind === 'sgd') {
    nonNeg('momentum', config.momentum);
    if (typeof config.dampening !== 'number' || !Number.isFinite(config.dampening)) bad(`dampening must be a finite number, got ${config.dampening}`);
    if (config.nesterov && (config.momentum <= 0 || config.dampening !== 0)) bad('nesterov momentum requires a momentum > 0 and zero dampening (as in torch.optim.SGD)');
  } else {
    nonNeg('eps', config.eps);
    config.betas.forEach((b, k) => {
      if (typeof b !== 'number' || !(b >= 0 && b < 1)) bad(`betas[${k}] must be in [0, 1), got ${b}`);
    });
  }
}

const f32 = Math.fround;

export function createOptimizer(config: OptimizerConfig, size: number, options: OptimizerOptions = {}): Optimizer {
  validate(config);
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`internal: optimizer size must be an integer >= 0, got ${size}`);
  const cfg = config.kind === 'adam' ? { ...config, betas: [...config.betas] as [number, number] } : { ...config };
  const count = optimizerBufferCount(cfg);
  let buffers: FloatArray[];
  if (options.buffers !== undefined) {
    buffers = options.buffers;
    if (buffers.length !== count) throw new Error(`internal: ${cfg.kind} needs ${count} state buffers, got ${buffers.length}`);
    for (const b of buffers) {
      if (b.length !== size) throw new Error(`internal: optimizer state buffer has ${b.length} values, expected ${size}`);
      if (b.constructor !== buffers[0]!.constructor) throw new Error('internal: optimizer state buffers mix float32 and float64');
    }
  } else {
    const Ctor = options.precision === 'float64' ? Float64Array : Float32Array;
    buffers = Array.from({ length: count }, () => new Ctor(size));
  }
  const isF32 = options.buffers?.[0] !== undefined ? options.buffers[0] instanceof Float32Array : options.precision !== 'float64';
  let t = 0;

  const check = (params: FloatArray, grads: FloatArray) => {
    if (params.length !== size || grads.length !== size) {
      throw new Error(`internal: optimizer of size ${size} got ${params.length} parameters and ${grads.length} gradients`);
    }
    if ((params instanceof Float32Array) !== isF32 || (grads instanceof Float32Array) !== isF32) {
      throw new Error(`internal: optimizer state is ${isF32 ? 'float32' : 'float64'}; parameters and gradients must be too`);
    }
  };

  return {
    get config() { return cfg; },
    size,
    get stepCount() { return t; },
    get lr() { return cfg.lr; },
    step(params, grads) {
      check(params, grads);
      if (cfg.kind === 'sgd') {
        const first = t === 0;
        if (isF32) sgdF32(cfg, params as Float32Array, grads as Float32Array, buffers[0] as Float32Array | undefined, first);
        else sgdF64(cfg, params as Float64Array, grads as Float64Array, buffers[0] as Float64Array | undefined, first);
        t += 1;
      } else {
        t += 1;
        if (isF32) adamF32(cfg, t, params as Float32Array, grads as Float32Array, buffers[0] as Float32Array, buffers[1] as Float32Array);
        else adamF64(cfg, t, params as Float64Array, grads as Float64Array, buffers[0] as Float64Array, buffers[1] as Float64Array);
      }
    },
    state() {
      return { step: t, buffers: buffers.map((b) => b.slice()) };
    },
    loadState(state) {
      const where = `optimizer ${cfg.kind} state`;
      if (!Number.isSafeInteger(state.step) || state.step < 0) throw new NetspecError(`${where}: step must be an integer >= 0, got ${state.step}`);
      if (state.buffers.length !== count) throw new NetspecError(`${where}: has ${state.buffers.length} buffers, ${cfg.kind} with this config needs ${count}`);
      state.buffers.forEach((b, k) => {
        if (b.length !== size) throw new NetspecError(`${where}: buffer ${k} has ${b.length} values, the model has ${size} parameters`);
      });
      state.buffers.forEach((b, k) => buffers[k]!.set(b));
      t = state.step;
    },
    setLr(lr) {
      if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw new NetspecError(`optimizer ${cfg.kind}: lr must be a finite number >= 0, got ${lr}`);
      cfg.lr = lr;
    },
  };
}

function sgdF32(c: SgdConfig, p: Float32Array, grad: Float32Array, buf: Float32Array | undefined, first: boolean): void {
  const wd = f32(c.weight_decay), mom = f32(c.momentum), keep = f32(1 - c.dampening), negLr = f32(-c.lr);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = grad[i]!;
    if (wd !== 0) g = f32(g + wd * p[i]!);
    if (buf !== undefined) {
      const b = first ? g : f32(f32(buf[i]! * mom) + keep * g);
      buf[i] = b;
      g = c.nesterov ? f32(g + mom * b) : b;
    }
    p[i] = f32(p[i]! + negLr * g);
  }
}

function sgdF64(c: SgdConfig, p: Float64Array, grad: Float64Array, buf: Float64Array | undefined, first: boolean): void {
  const wd = c.weight_decay, mom = c.momentum, keep = 1 - c.dampening, negLr = -c.lr;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = grad[i]!;
    if (wd !== 0) g = g + wd * p[i]!;
    if (buf !== undefined) {
      const b = first ? g : buf[i]! * mom + keep * g;
      buf[i] = b;
      g = c.nesterov ? g + mom * b : b;
    }
    p[i] = p[i]! + negLr * g;
  }
}

/** The float64 scalars of one Adam step, as PyTorch's Python code computes them. */
function adamScalars(c: AdamConfig, t: number) {
  const [b1, b2] = c.betas;
  const bc1 = 1 - b1 ** t;
  const bc2 = 1 - b2 ** t;
  return { b1, b2, stepSize: c.lr / bc1, bc2Sqrt: Math.sqrt(bc2) };
}

function adamF32(c: AdamConfig, t: number, p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array): void {
  const s = adamScalars(c, t);
  const wd = f32(c.weight_decay), b1 = f32(s.b1), b2 = f32(s.b2), k1 = f32(1 - s.b1), k2 = f32(1 - s.b2);
  const negStep = f32(-s.stepSize), bc2Sqrt = f32(s.bc2Sqrt), eps = f32(c.eps);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = grad[i]!;
    if (wd !== 0) g = f32(g + wd * p[i]!); // grad.add(param, alpha=wd)
    const mi = f32(f32(m[i]! * b1) + k1 * g); // exp_avg.mul_(b1).add_(grad, alpha=1-b1)
    const vi = f32(f32(v[i]! * b2) + f32(f32(k2 * g) * g)); // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2)
    m[i] = mi;
    v[i] = vi;
    const denom = f32(f32(f32(Math.sqrt(vi)) / bc2Sqrt) + eps); // (sqrt(v) / bc2_sqrt).add_(eps)
    p[i] = f32(p[i]! + f32(f32(negStep * mi) / denom)); // param.addcdiv_(m, denom, value=-step_size)
  }
}

function adamF64(c: AdamConfig, t: number, p: Float64Array, grad: Float64Array, m: Float64Array, v: Float64Array): void {
  const { b1, b2, stepSize, bc2Sqrt } = adamScalars(c, t);
  const wd = c.weight_decay, k1 = 1 - b1, k2 = 1 - b2, negStep = -stepSize, eps = c.eps;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = grad[i]!;
    if (wd !== 0) g = g + wd * p[i]!;
    const mi = m[i]! * b1 + k1 * g;
    const vi = v[i]! * b2 + k2 * g * g;
    m[i] = mi;
    v[i] = vi;
    const denom = Math.sqrt(vi) / bc2Sqrt + eps;
    p[i] = p[i]! + (negStep * mi) / denom;
  }
}
