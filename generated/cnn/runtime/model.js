// The generated module's public API around its compiled kernels: one arena, seeded init,
// weights in and out as safetensors, forward, trainStep (forward + backward + optimizer),
// and every block callable alone. Allocates nothing on the hot path.
import { NetspecError } from './errors.js';
import { initParameter } from './init.js';
import { createOptimizer } from './optim.js';
import { createRng, Rng } from './rng.js';
import { matchWeights, readSafetensors, writeSafetensors } from './safetensors.js';
const size = (shape) => shape.reduce((a, b) => a * b, 1);
export function createRuntimeModel(desc, factory, options = {}) {
    const maxBatch = options.maxBatch ?? 64;
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
        throw new NetspecError(`maxBatch must be a positive integer, got ${maxBatch}`);
    const elements = desc.arena.fixed + desc.arena.perSample * maxBatch;
    let arena;
    let kernels;
    let wrapOptimizer;
    if (typeof factory === 'function') {
        arena = options.float64 ? new Float64Array(elements) : new Float32Array(elements);
        kernels = factory(arena, maxBatch);
    }
    else {
        if (options.float64)
            throw new NetspecError('a float64 arena is only available with the TypeScript target');
        ({ arena, kernels, wrapOptimizer } = factory.create(maxBatch, elements));
    }
    const at = (r) => r.fixed + r.perSample * maxBatch;
    const rng = { current: createRng(options.seed ?? 0) };
    const P = desc.paramRegion.size;
    const params = arena.subarray(desc.paramRegion.offset, desc.paramRegion.offset + P);
    const grads = arena.subarray(desc.gradRegion.offset, desc.gradRegion.offset + P);
    for (const p of desc.params)
        initParameter(rng.current, { kind: 'uniform', bound: p.bound }, arena.subarray(p.offset, p.offset + size(p.shape)));
    let optimizer;
    if (desc.optimizer) {
        const config = { ...desc.optimizer, ...(options.lr !== undefined ? { lr: options.lr } : {}) };
        const o = desc.optimizerState;
        const buffers = Array.from({ length: o.slots }, (_, k) => arena.subarray(o.offset + k * P, o.offset + (k + 1) * P));
        optimizer = createOptimizer(config, P, { buffers });
        if (wrapOptimizer)
            optimizer = wrapOptimizer(optimizer);
    }
    const inSize = size(desc.input.shape);
    const outSize = size(desc.output.shape);
    const inputAt = at(desc.input.at);
    const outputAt = at(desc.output.at);
    const checkBatch = (n, what) => {
        if (!Number.isInteger(n) || n < 1 || n > maxBatch) {
            throw new NetspecError(`${what}: batch size ${n} is outside 1..${maxBatch} (maxBatch of this model instance)`);
        }
    };
    const copyIn = (x, n, per, offset, what, shape) => {
        if (x.length !== n * per) {
            throw new NetspecError(`${what}: expected ${n}×[${shape.join(',')}] = ${n * per} values, got ${x.length}`);
        }
        if (ArrayBuffer.isView(x))
            arena.set(x, offset);
        else
            for (let i = 0; i < x.length; i++)
                arena[offset + i] = x[i];
    };
    // Views of the arena per batch size, made once: the hot path allocates nothing.
    const viewCache = (offset, per) => {
        const views = [];
        return (n) => (views[n] ??= arena.subarray(offset, offset + n * per));
    };
    const outputView = viewCache(outputAt, outSize);
    const forward = (x, n) => {
        checkBatch(n, 'forward');
        copyIn(x, n, inSize, inputAt, `${desc.name}.forward input`, desc.input.shape);
        kernels.forward(n);
        return outputView(n);
    };
    const computeGradients = (x, y, n) => {
        if (!desc.target || !desc.loss || !kernels.forwardTrain || !kernels.backward) {
            throw new NetspecError(`model '${desc.name}' has no loss: add one to its spec (loss: cross_entropy or mse) to train it`);
        }
        checkBatch(n, 'trainStep');
        copyIn(x, n, inSize, inputAt, `${desc.name}.trainStep input`, desc.input.shape);
        const t = desc.target;
        const tSize = Math.max(1, size(t.shape));
        const tAt = at(t.at);
        if (t.classes !== undefined) {
            if (y.length !== n)
                throw new NetspecError(`trainStep targets: expected ${n} class indices, got ${y.length}`);
            for (let i = 0; i < n; i++) {
                const c = y[i];
                if (!Number.isInteger(c) || c < 0 || c >= t.classes) {
                    throw new NetspecError(`trainStep targets: sample ${i} has class ${c}, outside 0..${t.classes - 1}`);
                }
                arena[tAt + i] = c;
            }
        }
        else
            copyIn(y, n, tSize, tAt, 'trainStep targets', t.shape);
        for (const m of desc.masks) {
            const off = at(m.at);
            const keep = 1 / (1 - m.p);
            for (let i = 0; i < n * m.size; i++)
                arena[off + i] = rng.current.uniform() < m.p ? 0 : keep;
        }
        kernels.forwardTrain(n);
        kernels.backward(n);
        return arena[at(desc.loss.at)];
    };
    const byName = new Map(desc.params.map((p) => [p.name, p]));
    const view = (name, base) => {
        const p = byName.get(name);
        if (!p)
            throw new NetspecError(`model '${desc.name}' has no parameter '${name}'`);
        const off = base + (p.offset - desc.paramRegion.offset);
        return arena.subarray(off, off + size(p.shape));
    };
    const blocks = {};
    for (const b of desc.blocks) {
        const k = kernels[`block_${b.name}`];
        if (!k)
            throw new Error(`internal: no kernel for block ${b.name}`);
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
    const model = {
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
            if (!optimizer)
                throw new NetspecError(`model '${desc.name}' has no optimizer: add one to its spec to train it`);
            optimizer.step(params, grads);
            return loss;
        },
        loadWeights(bytes, source = 'weights') {
            const file = readSafetensors(bytes, source);
            const values = matchWeights(desc.params, file, source);
            desc.params.forEach((p, i) => arena.set(values[i], p.offset));
        },
        saveWeights(metadata) {
            return writeSafetensors(desc.params.map((p) => ({ name: p.name, shape: p.shape, data: Float32Array.from(arena.subarray(p.offset, p.offset + size(p.shape))) })), metadata);
        },
        param: (name) => view(name, desc.paramRegion.offset),
        grad: (name) => view(name, desc.gradRegion.offset),
        inputGrad(n) {
            if (!desc.inputGrad)
                throw new NetspecError(`model '${desc.name}' was compiled without the input gradient`);
            checkBatch(n, 'inputGrad');
            const o = at(desc.inputGrad);
            return arena.subarray(o, o + n * inSize);
        },
        optimizer,
        optimizerState: () => optimizer?.state(),
        loadOptimizerState(state) {
            if (!optimizer)
                throw new NetspecError(`model '${desc.name}' has no optimizer`);
            optimizer.loadState(state);
        },
        rngState: () => rng.current.state(),
        setRngState(words) {
            rng.current = Rng.fromState(words);
        },
        arena,
        blocks,
    };
    for (const [name, runner] of Object.entries(blocks))
        if (!(name in model))
            model[name] = runner;
    return model;
}
