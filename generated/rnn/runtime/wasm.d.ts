import { type ModelDescription, type ModelOptions, type NetspecModel } from './model.js';
/** Where a module's bytes are: the bytes themselves, or a URL (file: URLs are read in Node). */
export type WasmBytesSource = Uint8Array | ArrayBuffer | URL | string;
export interface WasmSources {
    /** The plain SIMD128 module. */
    simd: WasmBytesSource;
    /** The variant using f32x4.relaxed_madd, used where the engine supports it. */
    relaxed?: WasmBytesSource;
}
/** Whether this engine runs relaxed SIMD (validated, not guessed from the user agent). */
export declare function relaxedSimdSupported(): boolean;
export interface LoadedWasm {
    module: WebAssembly.Module;
    variant: 'simd' | 'relaxed';
}
/** Compiles the variant this engine supports (relaxed SIMD when available and provided). */
export declare function loadWasm(sources: WasmSources, prefer?: 'auto' | 'simd' | 'relaxed'): Promise<LoadedWasm>;
/** A model instance running the module's kernels: its own wasm instance and arena. */
export declare function createWasmModel(desc: ModelDescription, wasm: LoadedWasm | WebAssembly.Module, options?: ModelOptions): Promise<NetspecModel>;
