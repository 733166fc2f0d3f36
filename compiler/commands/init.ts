// netspec init SPEC --seed N --out W.safetensors: PyTorch-default initial weights from a seed.
import { writeFileAtomic } from '../../runtime/node-io.js';
import { compileModel, instantiate } from '../build.js';
import { VERSION } from '../version.js';
import { loadModel } from './common.js';

export async function initCommand(specPath: string, opts: { seed: number; out: string }): Promise<number> {
  const model = loadModel(specPath);
  const m = instantiate(compileModel(model), { maxBatch: 1, seed: opts.seed });
  writeFileAtomic(opts.out, m.saveWeights({ netspec: VERSION, model: model.name, seed: String(opts.seed) }), 'weights');
  process.stdout.write(`${opts.out}: ${m.info.params.length} tensors, ${m.info.paramCount.toLocaleString('en-US')} parameters (seed ${opts.seed})\n`);
  return 0;
}
