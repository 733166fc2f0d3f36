// From a checked model to what a target needs: lowered program, memory plan, description.
import type { Model } from './ir/graph.js';
import { lower, type LowerOptions, type Program } from './passes/lower.js';
import { planMemory, type MemoryPlan } from './passes/memory.js';
import { describe } from './emit/description.js';
import { loadKernels } from './emit/ts.js';
import { createRuntimeModel, type ModelDescription, type ModelOptions, type NetspecModel } from '../runtime/model.js';

export interface Compiled {
  program: Program;
  plan: MemoryPlan;
  description: ModelDescription;
}

export function compileModel(model: Model, options: LowerOptions = {}): Compiled {
  const program = lower(model, options);
  const plan = planMemory(program);
  return { program, plan, description: describe(program, plan) };
}

/** A live model from the TypeScript target, in this process. */
export function instantiate(c: Compiled, options: ModelOptions = {}): NetspecModel {
  return createRuntimeModel(c.description, loadKernels(c.program, c.plan), options);
}
