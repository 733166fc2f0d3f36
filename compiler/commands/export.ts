// netspec export SPEC --weights W.safetensors --out model.onnx [--check]: the spec as an ONNX
// model (opset 17) with its weights as initializers; --check runs it in ONNX Runtime first.
import { NetspecError } from '../../runtime/errors.js';
import { readFileBytes, writeFileAtomic } from '../../runtime/node-io.js';
import { matchWeights, readSafetensors } from '../../runtime/safetensors.js';
import { compileModel, instantiate } from '../build.js';
import { CHECK_BATCHES, CHECK_TOLERANCE, compareWithOnnxRuntime, formatCheck } from '../emit/onnx-check.js';
import { emitOnnx, ONNX_OPSET } from '../emit/onnx.js';
import type { Model } from '../ir/graph.js';
import { parametersOf } from '../passes/shapes.js';
import { loadModel } from './common.js';

export interface ExportOptions {
  weights: string;
  out: string;
  check?: boolean;
}

/** The model's parameters from a safetensors file, by name; mismatches are one NetspecError listing them all. */
export function readModelWeights(model: Model, path: string): Map<string, Float32Array> {
  const params = parametersOf(model);
  const values = matchWeights(params, readSafetensors(readFileBytes(path, 'weights'), path), path);
  return new Map(params.map((p, i) => [p.name, values[i]]));
}

/** Runs `onnxBytes` in ONNX Runtime at batch 1 and 7 against netspec's forward with the same weights. */
export async function checkAgainstNetspec(model: Model, weights: Map<string, Float32Array>, onnxBytes: Uint8Array) {
  const m = instantiate(compileModel(model), { maxBatch: Math.max(...CHECK_BATCHES) });
  for (const [name, data] of weights) m.param(name).set(data);
  return compareWithOnnxRuntime(onnxBytes, (x, n) => Float32Array.from(m.forward(x, n)), model.inputShape);
}

export async function exportCommand(specPath: string, opts: ExportOptions): Promise<number> {
  const model = loadModel(specPath);
  const weights = readModelWeights(model, opts.weights);
  const bytes = emitOnnx(model, (name) => weights.get(name)!);
  if (opts.check) {
    const results = await checkAgainstNetspec(model, weights, bytes);
    const worst = Math.max(...results.map((r) => r.maxRelDiff));
    if (!(worst <= CHECK_TOLERANCE)) {
      throw new NetspecError(`check failed: ONNX Runtime differs from netspec beyond ${CHECK_TOLERANCE} (${formatCheck(results)}); nothing written`);
    }
    process.stdout.write(`check: ONNX Runtime matches netspec: ${formatCheck(results)}\n`);
  }
  writeFileAtomic(opts.out, bytes, 'ONNX model');
  const count = [...weights.values()].reduce((a, w) => a + w.length, 0);
  process.stdout.write(`${opts.out}: ONNX opset ${ONNX_OPSET}, ${model.nodes.length} layers, ${count.toLocaleString('en-US')} parameters, ${bytes.length.toLocaleString('en-US')} bytes\n`);
  return 0;
}
