// The one place that knows the order of stages:
// parse → validate → graph → shapes → (lower → autodiff → memory plan → emit).
import type { Diagnostic } from './source/diagnostic.js';
import { parseYaml } from './source/yaml.js';
import { validateSpec } from './schema/validate.js';
import { buildGraph, type Model } from './ir/graph.js';
import { inferShapes } from './passes/shapes.js';

export interface FrontEndResult {
  model?: Model;
  diagnostics: Diagnostic[];
}

/** Parse, validate and shape-check one spec. A model is returned only when there is no diagnostic. */
export function checkSource(path: string, text: string): FrontEndResult {
  const src = parseYaml(path, text);
  if (src.diagnostics.length > 0) return { diagnostics: src.diagnostics };
  const diagnostics = validateSpec(src);
  if (diagnostics.length > 0) return { diagnostics };
  const model = buildGraph(src.value as Record<string, unknown>, src);
  inferShapes(model, diagnostics);
  return diagnostics.length > 0 ? { diagnostics } : { model, diagnostics };
}
