// netspec run SPEC --weights W --input X.npy --out Y.npy: inference over any N, in batches.
import { NetspecError } from '../../runtime/errors.js';
import { readFileBytes, writeFileAtomic } from '../../runtime/node-io.js';
import { asFloat32, readNpy, writeNpy } from '../../runtime/npy.js';
import { compileModel, instantiateAsync } from '../build.js';
import { loadModel } from './common.js';

export async function runCommand(specPath: string, opts: { weights: string; input: string; out: string; batch: number; target?: 'ts' | 'wasm' }): Promise<number> {
  const model = loadModel(specPath);
  const m = await instantiateAsync(compileModel(model), { maxBatch: opts.batch, target: opts.target ?? 'ts' });
  m.loadWeights(readFileBytes(opts.weights, 'weights'), opts.weights);
  const arr = readNpy(readFileBytes(opts.input, 'input'), opts.input);
  const per = model.inputShape;
  const okShape = arr.shape.length === per.length + 1 && per.every((d, i) => arr.shape[i + 1] === d);
  if (!okShape) {
    throw new NetspecError(`${opts.input}: expected an array shaped [N, ${per.join(', ')}], got [${arr.shape.join(', ')}]`);
  }
  const x = asFloat32(arr, opts.input);
  const N = arr.shape[0];
  const inSize = m.info.inputShape.reduce((a, b) => a * b, 1);
  const outSize = m.info.outputShape.reduce((a, b) => a * b, 1);
  const y = new Float32Array(N * outSize);
  for (let s = 0; s < N; s += opts.batch) {
    const n = Math.min(opts.batch, N - s);
    y.set(m.forward(x.subarray(s * inSize, (s + n) * inSize), n), s * outSize);
  }
  writeFileAtomic(opts.out, writeNpy(y, [N, ...m.info.outputShape]), 'output');
  process.stdout.write(`${opts.out}: [${[N, ...m.info.outputShape].join(', ')}] float32\n`);
  return 0;
}
