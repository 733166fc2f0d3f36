// What the ONNX tests share: specs (shipped and test/onnx/specs), seeded weights, exports.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModel, instantiate } from '../../compiler/build.js';
import { checkAgainstNetspec } from '../../compiler/commands/export.js';
import { emitOnnx } from '../../compiler/emit/onnx.js';
import type { Model } from '../../compiler/ir/graph.js';
import { parametersOf } from '../../compiler/passes/shapes.js';
import { checkSource } from '../../compiler/pipeline.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
export const FIXTURES = join(HERE, 'fixtures');

const yamls = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
export const SHIPPED_SPECS = yamls(join(ROOT, 'specs'));
export const EXTRA_SPECS = yamls(join(HERE, 'specs'));

export function loadSpec(path: string): Model {
  const r = checkSource(path, readFileSync(path, 'utf8'));
  if (!r.model) throw new Error(`${path}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.model;
}

export function specText(model: Model, text: string): Model {
  const r = checkSource(`${model.name}.yaml`, text);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.model;
}

/** PyTorch-default initial weights from a seed, by parameter name. */
export function seededWeights(model: Model, seed = 1): Map<string, Float32Array> {
  const m = instantiate(compileModel(model), { maxBatch: 1, seed });
  return new Map(parametersOf(model).map((p) => [p.name, Float32Array.from(m.param(p.name))]));
}

export interface Exported {
  model: Model;
  weights: Map<string, Float32Array>;
  bytes: Uint8Array;
}

export function exportSpec(path: string, seed = 1): Exported {
  const model = loadSpec(path);
  const weights = seededWeights(model, seed);
  return { model, weights, bytes: emitOnnx(model, (n) => weights.get(n)!) };
}

export const check = (e: Exported) => checkAgainstNetspec(e.model, e.weights, e.bytes);

/** Differences measured by the export tests, printed once at the end (the report's table). */
export const measured: string[] = [];
