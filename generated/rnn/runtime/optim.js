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
/** How many state buffers of `size` values the optimizer keeps (for the arena plan). */
export function optimizerBufferCount(config) {
    if (config.kind === 'adam')
        return 2;
    return config.momentum !== 0 ? 1 : 0;
}
function validate(config) {
    const bad = (msg) => {
        throw new NetspecError(`optimizer ${config.kind}: ${msg}`);
    };
    const nonNeg = (name, v) => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
            bad(`${name} must be a finite number >= 0, got ${v}`);
    };
    nonNeg('lr', config.lr);
    nonNeg('weight_decay', config.weight_decay);
    if (config.kind === 'sgd') {
        nonNeg('momentum', config.momentum);
        if (typeof config.dampening !== 'number' || !Number.isFinite(config.dampening))
            bad(`dampening must be a finite number, got ${config.dampening}`);
        if (config.nesterov && (config.momentum <= 0 || config.dampening !== 0))
            bad('nesterov momentum requires a momentum > 0 and zero dampening (as in torch.optim.SGD)');
    }
    else {
        nonNeg('eps', config.eps);
        config.betas.forEach((b, k) => {
            if (typeof b !== 'number' || !(b >= 0 && b < 1))
                bad(`betas[${k}] must be in [0, 1), got ${b}`);
        });
    }
}
const f32 = Math.fround;
export function createOptimizer(config, size, options = {}) {
    validate(config);
    if (!Number.isSafeInteger(size) || size < 0)
        throw new Error(`internal: optimizer size must be an integer >= 0, got ${size}`);
    const cfg = config.kind === 'adam' ? { ...config, betas: [...config.betas] } : { ...config };
    const count = optimizerBufferCount(cfg);
    let buffers;
    if (options.buffers !== undefined) {
        buffers = options.buffers;
        if (buffers.length !== count)
            throw new Error(`internal: ${cfg.kind} needs ${count} state buffers, got ${buffers.length}`);
        for (const b of buffers) {
            if (b.length !== size)
                throw new Error(`internal: optimizer state buffer has ${b.length} values, expected ${size}`);
            if (b.constructor !== buffers[0].constructor)
                throw new Error('internal: optimizer state buffers mix float32 and float64');
        }
    }
    else {
        const Ctor = options.precision === 'float64' ? Float64Array : Float32Array;
        buffers = Array.from({ length: count }, () => new Ctor(size));
    }
    const isF32 = options.buffers?.[0] !== undefined ? options.buffers[0] instanceof Float32Array : options.precision !== 'float64';
    let t = 0;
    const check = (params, grads) => {
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
                if (isF32)
                    sgdF32(cfg, params, grads, buffers[0], first);
                else
                    sgdF64(cfg, params, grads, buffers[0], first);
                t += 1;
            }
            else {
                t += 1;
                if (isF32)
                    adamF32(cfg, t, params, grads, buffers[0], buffers[1]);
                else
                    adamF64(cfg, t, params, grads, buffers[0], buffers[1]);
            }
        },
        state() {
            return { step: t, buffers: buffers.map((b) => b.slice()) };
        },
        loadState(state) {
            const where = `optimizer ${cfg.kind} state`;
            if (!Number.isSafeInteger(state.step) || state.step < 0)
                throw new NetspecError(`${where}: step must be an integer >= 0, got ${state.step}`);
            if (state.buffers.length !== count)
                throw new NetspecError(`${where}: has ${state.buffers.length} buffers, ${cfg.kind} with this config needs ${count}`);
            state.buffers.forEach((b, k) => {
                if (b.length !== size)
                    throw new NetspecError(`${where}: buffer ${k} has ${b.length} values, the model has ${size} parameters`);
            });
            state.buffers.forEach((b, k) => buffers[k].set(b));
            t = state.step;
        },
        setLr(lr) {
            if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0)
                throw new NetspecError(`optimizer ${cfg.kind}: lr must be a finite number >= 0, got ${lr}`);
            cfg.lr = lr;
        },
    };
}
function sgdF32(c, p, grad, buf, first) {
    const wd = f32(c.weight_decay), mom = f32(c.momentum), keep = f32(1 - c.dampening), negLr = f32(-c.lr);
    const n = p.length;
    for (let i = 0; i < n; i++) {
        let g = grad[i];
        if (wd !== 0)
            g = f32(g + wd * p[i]);
        if (buf !== undefined) {
            const b = first ? g : f32(f32(buf[i] * mom) + keep * g);
            buf[i] = b;
            g = c.nesterov ? f32(g + mom * b) : b;
        }
        p[i] = f32(p[i] + negLr * g);
    }
}
function sgdF64(c, p, grad, buf, first) {
    const wd = c.weight_decay, mom = c.momentum, keep = 1 - c.dampening, negLr = -c.lr;
    const n = p.length;
    for (let i = 0; i < n; i++) {
        let g = grad[i];
        if (wd !== 0)
            g = g + wd * p[i];
        if (buf !== undefined) {
            const b = first ? g : buf[i] * mom + keep * g;
            buf[i] = b;
            g = c.nesterov ? g + mom * b : b;
        }
        p[i] = p[i] + negLr * g;
    }
}
/** The float64 scalars of one Adam step, as PyTorch's Python code computes them. */
function adamScalars(c, t) {
    const [b1, b2] = c.betas;
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    return { b1, b2, stepSize: c.lr / bc1, bc2Sqrt: Math.sqrt(bc2) };
}
function adamF32(c, t, p, grad, m, v) {
    const s = adamScalars(c, t);
    const wd = f32(c.weight_decay), b1 = f32(s.b1), b2 = f32(s.b2), k1 = f32(1 - s.b1), k2 = f32(1 - s.b2);
    const negStep = f32(-s.stepSize), bc2Sqrt = f32(s.bc2Sqrt), eps = f32(c.eps);
    const n = p.length;
    for (let i = 0; i < n; i++) {
        let g = grad[i];
        if (wd !== 0)
            g = f32(g + wd * p[i]); // grad.add(param, alpha=wd)
        const mi = f32(f32(m[i] * b1) + k1 * g); // exp_avg.mul_(b1).add_(grad, alpha=1-b1)
        const vi = f32(f32(v[i] * b2) + f32(f32(k2 * g) * g)); // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2)
        m[i] = mi;
        v[i] = vi;
        const denom = f32(f32(f32(Math.sqrt(vi)) / bc2Sqrt) + eps); // (sqrt(v) / bc2_sqrt).add_(eps)
        p[i] = f32(p[i] + f32(f32(negStep * mi) / denom)); // param.addcdiv_(m, denom, value=-step_size)
    }
}
function adamF64(c, t, p, grad, m, v) {
    const { b1, b2, stepSize, bc2Sqrt } = adamScalars(c, t);
    const wd = c.weight_decay, k1 = 1 - b1, k2 = 1 - b2, negStep = -stepSize, eps = c.eps;
    const n = p.length;
    for (let i = 0; i < n; i++) {
        let g = grad[i];
        if (wd !== 0)
            g = g + wd * p[i];
        const mi = m[i] * b1 + k1 * g;
        const vi = v[i] * b2 + k2 * g * g;
        m[i] = mi;
        v[i] = vi;
        const denom = Math.sqrt(vi) / bc2Sqrt + eps;
        p[i] = p[i] + (negStep * mi) / denom;
    }
}
