// netspec import model.onnx --out spec.yaml --weights W.safetensors [--name N] [--check]:
// an ONNX graph made of netspec's ops (as netspec or torch.onnx.export writes it) as a spec
// and its weights with PyTorch names. Both files are checked before either is written.
import { NetspecError } from '../../runtime/errors.js';
import { readFileBytes, writeFileAtomic } from '../../runtime/node-io.js';
import { readSafetensors } from '../../runtime/safetensors.js';
import { compileModel, instantiate } from '../build.js';
import { CHECK_TOLERANCE, compareWithOnnxRuntime, formatCheck } from '../emit/onnx-check.js';
import { importOnnx } from '../import/onnx-spec.js';

export interface ImportCommandOptions {
  out: string;
  weights: string;
  name?: string;
  check?: boolean;
}

export async function importCommand(onnxPath: string, opts: ImportCommandOptions): Promise<number> {
  const bytes = readFileBytes(onnxPath, 'ONNX model');
  const r = importOnnx(bytes, onnxPath, { specPath: opts.out, name: opts.name });
  if (opts.check) {
    const batches = r.graph.fixedBatch ? [r.graph.fixedBatch] : [1, 7];
    const m = instantiate(compileModel(r.model), { maxBatch: Math.max(...batches) });
    m.loadWeights(r.weights, opts.weights);
    const results = await compareWithOnnxRuntime(bytes, (x, n) => Float32Array.from(m.forward(x, n)), r.model.inputShape, {
      batches,
      inputName: r.graph.inputName,
      outputName: r.graph.outputName,
    });
    if (!results.every((c) => c.maxRelDiff <= CHECK_TOLERANCE)) {
      throw new NetspecError(`check failed: netspec differs from ONNX Runtime beyond ${CHECK_TOLERANCE} (${formatCheck(results)}); nothing written`);
    }
    process.stdout.write(`check: netspec matches ONNX Runtime: ${formatCheck(results)}\n`);
  }
  for (const n of r.notes) process.stderr.write(`netspec: note: ${n}\n`);
  if (r.renamed.length > 0) {
    process.stderr.write(`netspec: note: ${r.renamed.length} tensors renamed to the spec's parameter names: ${r.renamed.map(([a, b]) => `${a} → ${b}`).join(', ')}\n`);
  }
  writeFileAtomic(opts.out, new TextEncoder().encode(r.yaml), 'spec');
  writeFileAtomic(opts.weights, r.weights, 'weights');
  const tensors = readSafetensors(r.weights).size;
  process.stdout.write(`${opts.out}: ${r.model.nodes.length} layers; ${opts.weights}: ${tensors} tensors\n`);
  return 0;
}
