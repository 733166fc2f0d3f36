// Memory plan figures for `check --max-batch`.
import type { Model } from '../ir/graph.js';
import { lower } from '../passes/lower.js';
import { arenaBytes, planMemory } from '../passes/memory.js';

export function planFor(model: Model, maxBatch: number): { arenaBytes: number } {
  return { arenaBytes: arenaBytes(planMemory(lower(model)), maxBatch) };
}
