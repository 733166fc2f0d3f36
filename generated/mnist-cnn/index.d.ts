import { type ModelDescription, type ModelOptions, type NetspecModel } from './runtime/model.js';
import { type LoadedWasm } from './runtime/wasm.js';
export declare const description: ModelDescription;
/** The compiled WebAssembly of this model (compiled once, shared by every instance). */
export declare function wasmModule(prefer?: 'auto' | 'simd' | 'relaxed'): Promise<LoadedWasm>;
/** A model instance: its own arena, weights initialized from `options.seed`. */
export declare function createModel(options?: ModelOptions): Promise<NetspecModel>;
