// The `train` and `reconstruct` commands' arguments; their work is in train.ts and reconstruct.ts.
import { type Command, Option } from 'commander';
import { NetspecError } from '../../runtime/errors.js';
import { parsePositiveInt } from './common.js';

const int = (what: string) => (v: string) => parsePositiveInt(v, what);
const seed = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new NetspecError(`--seed must be an integer ≥ 0, got '${v}'`, 2);
  return n;
};
const rate = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new NetspecError(`--lr must be a number ≥ 0, got '${v}'`, 2);
  return n;
};
const target = () => new Option('--target <target>', 'code target').choices(['ts', 'wasm']).default('ts');

export function registerTraining(p: Command, setCode: (code: number) => void): void {
  p.command('train')
    .description('train a spec on mnist, IDX files or .npy arrays; write the weights (and checkpoints)')
    .argument('<spec>', 'spec file')
    .requiredOption('--data <data>', 'mnist | running-sum (synthetic sequences) | X.npy,Y.npy | IMAGES.idx,LABELS.idx (gzipped or not)')
    .option('--test-data <data>', 'evaluated after every epoch (--data mnist: the MNIST test set by default)')
    .option('--weights <file>', 'initial weights (.safetensors); default: seeded PyTorch-default init')
    .addOption(new Option('--epochs <n>', 'epochs to train (default 1)').argParser(int('--epochs')).conflicts('steps'))
    .option('--steps <n>', 'optimizer steps to train, across epochs', int('--steps'))
    .option('--batch <n>', 'batch size (the last batch of an epoch may be smaller)', int('--batch'), 64)
    .option('--seed <n>', 'seed of the initial weights, the shuffling and dropout', seed, 0)
    .option('--no-shuffle', 'take batches in file order (replays step for step against PyTorch)')
    .option('--lr <lr>', "learning rate (overrides the spec's)", rate)
    .requiredOption('--save <file>', 'trained weights (.safetensors), written at the end')
    .option('--checkpoint-every <k>', 'write a checkpoint every K steps (and at the end)', int('--checkpoint-every'))
    .option('--checkpoint <file>', 'checkpoint file (default: SAVE with .ckpt.safetensors)')
    .option('--resume <file>', 'continue from a checkpoint; --epochs/--steps count from the start of the run')
    .option('--log-every <n>', 'without a terminal: a progress line every N steps (default: every 2 s)', int('--log-every'))
    .option('--metrics <file>', 'also write every step, epoch and the summary as JSON lines')
    .addOption(target())
    .action(async (spec: string, o) => setCode(await (await import('./train.js')).trainCommand(spec, o)));

  p.command('reconstruct')
    .description("an autoencoder's reconstructions of the first images as a PNG grid (originals on top)")
    .argument('<spec>', 'spec file')
    .requiredOption('--weights <file>', 'weights (.safetensors)')
    .option('--data <data>', 'mnist (its test set) | IMAGES.idx | X.npy,Y.npy', 'mnist')
    .requiredOption('--out <file>', 'PNG file')
    .option('--count <n>', 'images', int('--count'), 16)
    .addOption(target())
    .action(async (spec: string, o) => setCode(await (await import('./reconstruct.js')).reconstructCommand(spec, o)));
}
