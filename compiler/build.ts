// From a checked model to what a target needs: lowered program, memory plan, description.
import type { Model } from './ir/graph.js';
import { fuseActivations } from './passes/fuse.js';
import { lower, type LowerOptions, type Program } from './passes/lower.js';
import { planMemory, type MemoryPlan } from './passes/memory.js';
import { describe } from './emit/description.js';
import { loadKernels } from './emit/ts.js';
import { createRuntimeModel, type ModelDescription, type ModelOptions, type NetspecModel } from '../runtime/model.js';
import { createWasmModel, loadWasm, relaxedSimdSupported, type LoadedWasm } from '../runtime/wasm.js';

export interface Compiled {
  program: Program;
  plan: MemoryPlan;
  description: ModelDescription;
}

export function compileModel(model: Model, options: LowerOptions = {}): Compiled {
  const program = lower(model, options);
  fuseActivations(program);
  const plan = planMemory(program);
  return { program, plan, description: describe(program, plan) };
}

/** A live model from the TypeScript target, in this process. */
export function instantiate(c: Compiled, options: ModelOptions = {}): NetspecModel {
  return createRuntimeModel(c.description, loadKernels(c.program, c.plan), options);
}

export interface InstantiateOptions extends ModelOptions {
  /** 'ts' (default) or 'wasm'. */
  target?: 'ts' | 'wasm';
  /** wasm: which variant to run; 'auto' takes relaxed SIMD where the engine supports it. */
  wasmVariant?: 'auto' | 'simd' | 'relaxed';
}

const wasmCache = new WeakMap<Compiled, Map<string, Promise<LoadedWasm>>>();

/** The compiled wasm module of a model (built, optimized and compiled once per variant). */
export function wasmModule(c: Compiled, variant: 'auto' | 'simd' | 'relaxed' = 'auto'): Promise<LoadedWasm> {
  let byVariant = wasmCache.get(c);
  if (!byVariant) wasmCache.set(c, (byVariant = new Map()));
  let p = byVariant.get(variant);
  if (!p) {
    const wantRelaxed = variant === 'relaxed' || (variant === 'auto' && relaxedSimdSupported());
    // binaryen takes about a second to load: only a wasm build pays for it.
    p = import('./emit/wasm.js').then(({ emitWasm }) =>
      loadWasm(
        wantRelaxed
          ? { simd: new Uint8Array(0), relaxed: emitWasm(c.program, c.plan, { relaxed: true }).bytes }
          : { simd: emitWasm(c.program, c.plan, { relaxed: false }).bytes },
        variant,
      ),
    );
    byVariant.set(variant, p);
  }
  return p;
}

/** A live model from either target, in this process. */
export async function instantiateAsync(c: Compiled, options: InstantiateOptions = {}): Promise<NetspecModel> {
  if ((options.target ?? 'ts') === 'ts') return instantiate(c, options);
  return createWasmModel(c.description, await wasmModule(c, options.wasmVariant), options);
}
