import { describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { createOptimizer, optimizerBufferCount, type AdamConfig, type SgdConfig } from '../../runtime/optim.js';
import { Rng } from '../../runtime/rng.js';

const sgd = (o: Partial<SgdConfig> = {}): SgdConfig => ({ kind: 'sgd', lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weight_decay: 0, ...o });
const adam = (o: Partial<AdamConfig> = {}): AdamConfig => ({ kind: 'adam', lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, ...o });

/** torch.optim.SGD's algorithm box, written out per element in float64 (t counts from 1). */
function referenceSgd(c: SgdConfig, p0: number[], grads: number[][]): number[] {
  const p = [...p0];
  const b = p0.map(() => 0);
  grads.forEach((grad, step) => {
    const t = step + 1;
    for (let i = 0; i < p.length; i++) {
      let g = grad[i]!;
      if (c.weight_decay !== 0) g = g + c.weight_decay * p[i]!;
      if (c.momentum !== 0) {
        b[i] = t > 1 ? c.momentum * b[i]! + (1 - c.dampening) * g : g;
        g = c.nesterov ? g + c.momentum * b[i]! : b[i]!;
      }
      p[i] = p[i]! - c.lr * g;
    }
  });
  return p;
}

/** torch.optim.Adam's algorithm box (m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), θ −= γ·m̂/(√v̂ + ε)) in float64. */
function referenceAdam(c: AdamConfig, p0: number[], grads: number[][]): number[] {
  const [b1, b2] = c.betas;
  const p = [...p0];
  const m = p0.map(() => 0);
  const v = p0.map(() => 0);
  grads.forEach((grad, step) => {
    const t = step + 1;
    for (let i = 0; i < p.length; i++) {
      let g = grad[i]!;
      if (c.weight_decay !== 0) g = g + c.weight_decay * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      const mHat = m[i]! / (1 - b1 ** t);
      const vHat = v[i]! / (1 - b2 ** t);
      p[i] = p[i]! - (c.lr * mHat) / (Math.sqrt(vHat) + c.eps);
    }
  });
  return p;
}

/** Runs the optimizer under test in float64 and returns the parameters after each step. */
function run(c: SgdConfig | AdamConfig, p0: number[], grads: number[][]): number[][] {
  const opt = createOptimizer(c, p0.length, { precision: 'float64' });
  const p = Float64Array.from(p0);
  return grads.map((g) => {
    opt.step(p, Float64Array.from(g));
    return Array.from(p);
  });
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want[i]!)));
  }
}

function randomCase(seed: number, n: number, steps: number) {
  const rng = new Rng(seed);
  const p0 = Array.from({ length: n }, () => rng.uniformRange(-1, 1));
  const grads = Array.from({ length: steps }, () => Array.from({ length: n }, () => rng.normal()));
  return { p0, grads };
}

describe('SGD, hand-computed (p = 1, lr = 0.1, grad 0.5 twice)', () => {
  it.each([
    ['plain', sgd(), [0.95, 0.9]],
    ['momentum 0.9: the first step copies the gradient into the buffer', sgd({ momentum: 0.9 }), [0.95, 0.855]],
    ['dampening 0.5: not applied on the first step', sgd({ momentum: 0.9, dampening: 0.5 }), [0.95, 0.88]],
    ['nesterov', sgd({ momentum: 0.9, nesterov: true }), [0.905, 0.7695]],
    ['weight decay 0.1', sgd({ weight_decay: 0.1 }), [0.94, 0.8806]],
  ])('%s', (_what, config, expected) => {
    const got = run(config, [1], [[0.5], [0.5]]).map((p) => p[0]!);
    expectClose(got, expected, 1e-15);
    expectClose(got, [referenceSgd(config, [1], [[0.5]])[0]!, referenceSgd(config, [1], [[0.5], [0.5]])[0]!], 1e-15);
  });
});

describe('Adam, hand-computed (p = 1, lr = 0.1, betas (0.9, 0.999), eps 1e-8)', () => {
  it('bias correction makes every step lr·g/(|g| + eps) for a constant gradient, at t = 1, 2, 3', () => {
    // m_t = (1 − β1^t)·g and v_t = (1 − β2^t)·g², so m̂ = g and v̂ = g² at every t.
    const got = run(adam(), [1], [[0.5], [0.5], [0.5]]).map((p) => p[0]!);
    const step = (0.1 * 0.5) / (0.5 + 1e-8);
    expectClose(got, [1 - step, 1 - 2 * step, 1 - 3 * step], 1e-14);
    expect(got[0]).not.toBeCloseTo(1 - 0.1 * 0.05 / (Math.sqrt(0.00025) + 1e-8), 3); // what it would be uncorrected
  });

  it('t = 2 with a changed gradient: m = 0.02, v = 0.00031225', () => {
    const [, p2] = run(adam(), [1], [[0.5], [-0.25]]);
    const p1 = 1 - (0.1 * 0.5) / (0.5 + 1e-8);
    const mHat = 0.02 / (1 - 0.9 ** 2);
    const vHat = 0.00031225 / (1 - 0.999 ** 2);
    expectClose(p2!, [p1 - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8)], 1e-14);
  });

  it('weight decay is added to the gradient (L2, not AdamW)', () => {
    const [p1] = run(adam({ weight_decay: 0.5 }), [2], [[0.5]]);
    // g = 0.5 + 0.5·2 = 1.5; at t = 1, m̂ = g and v̂ = g².
    expectClose(p1!, [2 - (0.1 * 1.5) / (1.5 + 1e-8)], 1e-15);
  });
});

describe('against the documented algorithms over many steps', () => {
  const sgdConfigs = [
    sgd({ lr: 0.05 }),
    sgd({ lr: 0.05, momentum: 0.9 }),
    sgd({ lr: 0.05, momentum: 0.8, dampening: 0.3, weight_decay: 0.01 }),
    sgd({ lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.001 }),
  ];
  const adamConfigs = [adam({ lr: 0.01 }), adam({ lr: 0.003, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 0.05 })];

  it.each([...sgdConfigs, ...adamConfigs].map((c, k) => [k, c] as const))('config %d: float64 matches to 1e-13', (k, config) => {
    const { p0, grads } = randomCase(100 + k, 50, 12);
    const ref = config.kind === 'sgd' ? referenceSgd(config, p0, grads) : referenceAdam(config, p0, grads);
    expectClose(run(config, p0, grads).at(-1)!, ref, 1e-13);
  });

  it.each([...sgdConfigs, ...adamConfigs].map((c, k) => [k, c] as const))('config %d: float32 stays within float32 rounding', (k, config) => {
    const { p0, grads } = randomCase(200 + k, 200, 12);
    const opt = createOptimizer(config, p0.length);
    const p = Float32Array.from(p0);
    const g32 = grads.map((g) => Float32Array.from(g));
    for (const g of g32) opt.step(p, g);
    // The reference sees the same float32-rounded inputs.
    const ref = config.kind === 'sgd' ? referenceSgd(config, Array.from(Float32Array.from(p0)), g32.map((g) => Array.from(g))) : referenceAdam(config, Array.from(Float32Array.from(p0)), g32.map((g) => Array.from(g)));
    expectClose(p, ref, 2e-6);
    expect(opt.state().buffers.every((b) => b instanceof Float32Array)).toBe(true);
  });
});

describe('state, arena buffers and learning rate', () => {
  it.each([sgd({ momentum: 0.9, dampening: 0.1 }), adam()])('state()/loadState() resumes bit for bit (%o)', (config) => {
    const { p0, grads } = randomCase(7, 20, 6);
    const a = createOptimizer(config, 20);
    const pa = Float32Array.from(p0);
    grads.slice(0, 3).forEach((g) => a.step(pa, Float32Array.from(g)));
    const saved = a.state();
    const pb = pa.slice();
    grads.slice(3).forEach((g) => a.step(pa, Float32Array.from(g)));

    const b = createOptimizer(config, 20);
    b.loadState(saved);
    expect(b.stepCount).toBe(3);
    grads.slice(3).forEach((g) => b.step(pb, Float32Array.from(g)));
    expect(pb).toEqual(pa);
  });

  it('state() returns copies', () => {
    const opt = createOptimizer(adam(), 2);
    const s = opt.state();
    opt.step(Float32Array.of(1, 2), Float32Array.of(1, 1));
    expect(s.buffers[0]).toEqual(new Float32Array(2));
    expect(s.step).toBe(0);
  });

  it('keeps its state in caller-provided arena views, in place', () => {
    const arena = new Float32Array(10);
    const m = arena.subarray(2, 5), v = arena.subarray(5, 8);
    const opt = createOptimizer(adam(), 3, { buffers: [m, v] });
    opt.step(Float32Array.of(1, 1, 1), Float32Array.of(0.5, -1, 2));
    expect(Array.from(arena.subarray(2, 5))).toEqual(Array.from(Float32Array.of(0.05, -0.1, 0.2)));
    expect(Array.from(arena.subarray(5, 8))).toEqual(Array.from(Float32Array.of(0.00025, 0.001, 0.004)));
    expect([arena[0], arena[1], arena[8], arena[9]]).toEqual([0, 0, 0, 0]);
  });

  it('optimizerBufferCount says how many buffers to plan', () => {
    expect(optimizerBufferCount(sgd())).toBe(0);
    expect(optimizerBufferCount(sgd({ momentum: 0.9 }))).toBe(1);
    expect(optimizerBufferCount(adam())).toBe(2);
  });

  it('setLr changes the next steps', () => {
    const opt = createOptimizer(sgd({ lr: 0.1 }), 1, { precision: 'float64' });
    const p = Float64Array.of(1);
    opt.step(p, Float64Array.of(1));
    opt.setLr(0.01);
    expect(opt.lr).toBe(0.01);
    opt.step(p, Float64Array.of(1));
    expect(p[0]).toBeCloseTo(0.89, 15);
    expect(() => opt.setLr(-1)).toThrow(/optimizer sgd: lr must be a finite number >= 0, got -1/);
  });

  it('rejects invalid configurations as torch.optim does, with NetspecError', () => {
    expect(() => createOptimizer(sgd({ nesterov: true }), 1)).toThrow(NetspecError);
    expect(() => createOptimizer(sgd({ nesterov: true, momentum: 0.9, dampening: 0.1 }), 1)).toThrow(
      'optimizer sgd: nesterov momentum requires a momentum > 0 and zero dampening (as in torch.optim.SGD)',
    );
    expect(() => createOptimizer(sgd({ lr: -0.1 }), 1)).toThrow('optimizer sgd: lr must be a finite number >= 0, got -0.1');
    expect(() => createOptimizer(sgd({ momentum: -1 }), 1)).toThrow('optimizer sgd: momentum must be a finite number >= 0, got -1');
    expect(() => createOptimizer(adam({ betas: [0.9, 1] }), 1)).toThrow('optimizer adam: betas[1] must be in [0, 1), got 1');
    expect(() => createOptimizer(adam({ eps: -1 }), 1)).toThrow('optimizer adam: eps must be a finite number >= 0, got -1');
  });

  it('rejects a checkpoint that does not fit, with NetspecError', () => {
    const opt = createOptimizer(adam(), 4);
    expect(() => opt.loadState({ step: 2, buffers: [new Float32Array(4)] })).toThrow('optimizer adam state: has 1 buffers, adam with this config needs 2');
    expect(() => opt.loadState({ step: 2, buffers: [new Float32Array(4), new Float32Array(3)] })).toThrow(
      'optimizer adam state: buffer 1 has 3 values, the model has 4 parameters',
    );
    expect(() => opt.loadState({ step: -1, buffers: [] })).toThrow('optimizer adam state: step must be an integer >= 0, got -1');
  });

  it('treats mismatched sizes and precisions as internal errors', () => {
    const opt = createOptimizer(sgd({ momentum: 0.9 }), 3);
    expect(() => opt.step(new Float32Array(2), new Float32Array(3))).toThrow('internal: optimizer of size 3 got 2 parameters and 3 gradients');
    expect(() => opt.step(new Float64Array(3), new Float64Array(3))).toThrow(/internal: optimizer state is float32/);
    expect(() => createOptimizer(adam(), 3, { buffers: [new Float32Array(3)] })).toThrow(/internal: adam needs 2 state buffers, got 1/);
    expect(() => createOptimizer(adam(), 3, { buffers: [new Float32Array(3), new Float64Array(3)] })).toThrow(/internal: .* mix float32 and float64/);
  });
});
