// Memory plan figures for `check --max-batch`: the plan of the program the targets run.
import type { Model } from '../ir/graph.js';
import { compileModel } from '../build.js';
import { arenaBytes } from '../passes/memory.js';

export function planFor(model: Model, maxBatch: number): { arenaBytes: number } {
  return { arenaBytes: arenaBytes(compileModel(model).plan, maxBatch) };
}
