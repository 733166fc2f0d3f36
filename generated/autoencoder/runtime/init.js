function checkFan(what, n) {
    if (!Number.isSafeInteger(n) || n < 1)
        throw new Error(`internal: ${what} must be a positive integer, got ${n}`);
}
/** Weight of dense (fan_in = in_features) or conv2d (fan_in = in_channels·kh·kw). */
export function kaimingUniformInit(fanIn) {
    checkFan('fan_in', fanIn);
    const a = Math.sqrt(5);
    const gain = Math.sqrt(2.0 / (1 + a ** 2));
    const std = gain / Math.sqrt(fanIn);
    return { kind: 'uniform', bound: Math.sqrt(3.0) * std };
}
/** Bias of dense or conv2d, with the fan_in of its weight. */
export function biasInit(fanIn) {
    checkFan('fan_in', fanIn);
    return { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) };
}
/** Every LSTM parameter (weight_ih_lk, weight_hh_lk, bias_ih_lk, bias_hh_lk). */
export function lstmInit(hidden) {
    checkFan('hidden size', hidden);
    return { kind: 'uniform', bound: 1.0 / Math.sqrt(hidden) };
}
/** fan_in of a conv2d weight [out, in, kh, kw] or a dense weight [out, in]: the product of all but the first dim. */
export function fanIn(weightShape) {
    if (weightShape.length < 2)
        throw new Error(`internal: fan_in needs a weight of rank >= 2, got [${weightShape.join(',')}]`);
    return weightShape.slice(1).reduce((p, d) => p * d, 1);
}
/**
 * Fills `out` in index order (row-major over the PyTorch layout) with draws of U(−bound, bound)
 * from `rng`, one `rng.uniform()` per element. Callers initialize a model's parameters in the
 * order of its parameter list, so one seed fixes every weight.
 */
export function initParameter(rng, init, out) {
    if (init.kind !== 'uniform')
        throw new Error(`internal: unknown init kind ${init.kind}`);
    const { bound } = init;
    if (!(bound >= 0) || !Number.isFinite(bound))
        throw new Error(`internal: init bound must be finite and >= 0, got ${bound}`);
    const width = 2 * bound;
    for (let i = 0; i < out.length; i++)
        out[i] = width * rng.uniform() - bound;
}
