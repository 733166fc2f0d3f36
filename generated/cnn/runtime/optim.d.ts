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
export declare function optimizerBufferCount(config: OptimizerConfig): number;
export declare function createOptimizer(config: OptimizerConfig, size: number, options?: OptimizerOptions): Optimizer;
