// Loads a model's WebAssembly kernels, in Node or a browser, without dependencies: the module
// (SIMD128, or the relaxed-SIMD variant where the engine validates relaxed_madd) is compiled
// once, each model instance gets its own instance whose memory is grown to its arena, and the
// arena is a Float32Array view of that memory.
import { NetspecError } from './errors.js';
import { createRuntimeModel } from './model.js';
// (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd)
const RELAXED_PROBE = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
    0x03, 0x02, 0x01, 0x00,
    0x0a, 0x3d, 0x01, 0x3b, 0x00,
    ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array(16).fill(0)]),
    0xfd, 0x85, 0x02, 0x0b,
]);
/** Whether this engine runs relaxed SIMD (validated, not guessed from the user agent). */
export function relaxedSimdSupported() {
    try {
        return WebAssembly.validate(RELAXED_PROBE);
    }
    catch {
        return false;
    }
}
async function bytesOf(src) {
    if (src instanceof Uint8Array || src instanceof ArrayBuffer)
        return src;
    const url = typeof src === 'string' ? new URL(src, globalThis.location?.href ?? `file://${'/'}`) : src;
    if (url.protocol === 'file:') {
        const fs = await import('node:fs/promises');
        return new Uint8Array(await fs.readFile(url));
    }
    const res = await fetch(url);
    if (!res.ok)
        throw new NetspecError(`cannot load ${url.href}: HTTP ${res.status}`);
    return res.arrayBuffer();
}
/** Compiles the variant this engine supports (relaxed SIMD when available and provided). */
export async function loadWasm(sources, prefer = 'auto') {
    const relaxed = sources.relaxed !== undefined && prefer !== 'simd' && relaxedSimdSupported();
    if (prefer === 'relaxed' && !relaxed)
        throw new NetspecError('this engine does not support relaxed SIMD (node: --experimental-wasm-relaxed-simd)');
    const bytes = await bytesOf(relaxed ? sources.relaxed : sources.simd);
    try {
        return { module: await WebAssembly.compile(bytes), variant: relaxed ? 'relaxed' : 'simd' };
    }
    catch (e) {
        throw new NetspecError(`this engine cannot compile the model's WebAssembly (it needs SIMD128): ${e.message}`);
    }
}
/** The optimizer with its update run by the module (the same float32 arithmetic), its state and API kept. */
function wasmOptimizer(base, ex) {
    let t = base.stepCount;
    return {
        get config() { return base.config; },
        size: base.size,
        get stepCount() { return t; },
        get lr() { return base.lr; },
        step() {
            const c = base.config;
            if (c.kind === 'sgd') {
                ex.sgd(c.weight_decay, c.momentum, 1 - c.dampening, -c.lr, t === 0 ? 1 : 0, c.nesterov ? 1 : 0);
                t += 1;
            }
            else {
                t += 1;
                const [b1, b2] = c.betas;
                const stepSize = c.lr / (1 - b1 ** t);
                ex.adam(c.weight_decay, b1, b2, 1 - b1, 1 - b2, -stepSize, Math.sqrt(1 - b2 ** t), c.eps);
            }
        },
        state() {
            return { step: t, buffers: base.state().buffers };
        },
        loadState(state) {
            base.loadState(state);
            t = state.step;
        },
        setLr(lr) {
            base.setLr(lr);
        },
    };
}
/** A model instance running the module's kernels: its own wasm instance and arena. */
export async function createWasmModel(desc, wasm, options = {}) {
    const module = wasm instanceof WebAssembly.Module ? wasm : wasm.module;
    const instance = await WebAssembly.instantiate(module, {});
    const ex = instance.exports;
    return createRuntimeModel(desc, {
        ownsArena: true,
        create(maxBatch, elements) {
            if (ex.init(maxBatch) !== 1)
                throw new NetspecError(`cannot allocate ${elements * 4} bytes of WebAssembly memory for maxBatch ${maxBatch}`);
            const arena = new Float32Array(ex.memory.buffer, ex.arena.value, elements);
            const kernels = { forward: ex.forward };
            for (const name of Object.keys(ex)) {
                if (name === 'forwardTrain' || name === 'backward' || name.startsWith('block_'))
                    kernels[name] = ex[name];
            }
            const hasUpdate = (desc.optimizer?.kind === 'sgd' && ex.sgd) || (desc.optimizer?.kind === 'adam' && ex.adam);
            return { arena, kernels, wrapOptimizer: hasUpdate ? (o) => wasmOptimizer(o, ex) : undefined };
        },
    }, options);
}
