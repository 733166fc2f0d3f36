import { type Optimizer, type OptimizerConfig, type OptimizerState } from './optim.js';
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
    target?: TensorSlot & {
        classes?: number;
    };
    loss?: {
        name: string;
        at: Region;
    };
    optimizer?: OptimizerConfig;
    params: {
        name: string;
        shape: number[];
        offset: number;
        bound: number;
    }[];
    paramRegion: {
        offset: number;
        size: number;
    };
    gradRegion: {
        offset: number;
    };
    optimizerState: {
        offset: number;
        slots: number;
    };
    masks: {
        at: Region;
        size: number;
        p: number;
    }[];
    blocks: {
        name: string;
        input: TensorSlot;
        output: TensorSlot;
    }[];
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
    params: {
        name: string;
        shape: number[];
    }[];
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
export declare function createRuntimeModel(desc: ModelDescription, factory: KernelFactory | ArenaKernelFactory, options?: ModelOptions): NetspecModel;
