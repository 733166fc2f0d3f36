// netspec train --checkpoint-every / --resume: a resumed run continues exactly as an
// uninterrupted one (weights, optimizer state, shuffling and dropout generators, position,
// running metrics), and a checkpoint that does not fit the run is refused.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../runtime/safetensors.js';
import { runCli } from './run-cli.js';

const REF = 'test/reference';
const DATA = ['--data', `${REF}/rnn/x.npy,${REF}/rnn/y.npy`]; // 12 samples of [16, 10], 2 classes
const dir = mkdtempSync(join(tmpdir(), 'netspec-ckpt-'));

const run = runCli;

/** A small net with dropout, so the model's generator is part of what a checkpoint must restore. */
function spec(optimizer: string): string {
  const path = join(dir, `drop-${optimizer.replace(/\W+/g, '')}.yaml`);
  writeFileSync(path, [
    'netspec: 1', 'name: drop', 'input: {shape: [16, 10]}', 'layers:', '  - flatten', '  - dense: {name: fc1, units: 32}', '  - relu',
    '  - dropout: {p: 0.3}', '  - dense: {name: fc2, units: 2}', 'loss: cross_entropy', `optimizer: ${optimizer}`, '',
  ].join('\n'));
  return path;
}

const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const common = ['--batch', '5', '--seed', '7']; // 3 steps per epoch: 5, 5, 2 samples

describe('resume continues exactly as an uninterrupted run', () => {
  for (const optimizer of ['{adam: {lr: 0.01}}', '{sgd: {lr: 0.05, momentum: 0.9}}']) {
    const s = spec(optimizer);
    const straight = join(dir, `straight-${optimizer.length}.safetensors`);
    const straightMetrics = `${straight}.jsonl`;

    it(`${optimizer}: 6 steps straight`, async () => {
      const r = await run(['train', s, ...DATA, ...common, '--steps', '6', '--save', straight, '--metrics', straightMetrics]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });

    // Split inside the first epoch, at its end, and inside the second.
    for (const k of [2, 3, 4]) {
      it(`${optimizer}: ${k} steps, then resume to 6 → bit-identical weights and the same losses`, async () => {
        const first = join(dir, `first-${k}-${optimizer.length}.safetensors`);
        const ckpt = join(dir, `first-${k}-${optimizer.length}.ckpt`);
        const r1 = await run(['train', s, ...DATA, ...common, '--steps', String(k), '--checkpoint-every', String(k), '--checkpoint', ckpt, '--save', first]);
        expect(r1.code).toBe(0);
        const resumed = join(dir, `resumed-${k}-${optimizer.length}.safetensors`);
        const metrics = `${resumed}.jsonl`;
        const r2 = await run(['train', s, ...DATA, ...common, '--steps', '6', '--resume', ckpt, '--save', resumed, '--metrics', metrics]);
        expect(r2.stderr).toBe('');
        expect(r2.code).toBe(0);
        expect(r2.stdout).toContain(`resumed from ${ckpt} at step ${k}`);
        // The whole weights file (tensors and metadata) is byte-for-byte the uninterrupted run's.
        expect(Buffer.compare(readFileSync(resumed), readFileSync(straight))).toBe(0);
        const want = lines(straightMetrics).filter((l) => typeof l['step'] === 'number' && l['step'] > k && l['loss'] !== undefined);
        const got = lines(metrics).filter((l) => l['loss'] !== undefined);
        expect(got).toEqual(want);
        // The epoch summary after the resume includes the steps before it (running sums restored).
        const epoch2 = (ls: Record<string, unknown>[]) => ls.find((l) => l['epoch'] === 2 && l['train_loss'] !== undefined);
        expect(epoch2(lines(metrics))).toEqual(epoch2(lines(straightMetrics)));
      });
    }
  }
});

describe('checkpoint file', () => {
  it('holds the weights, the optimizer state and the position; is refused when the run differs', async () => {
    const s = spec('{adam: {lr: 0.01}}');
    const ckpt = join(dir, 'c.ckpt.safetensors');
    expect((await run(['train', s, ...DATA, ...common, '--steps', '2', '--checkpoint-every', '1', '--save', join(dir, 'c.safetensors')])).code).toBe(0);
    const f = readSafetensors(new Uint8Array(readFileSync(ckpt)), ckpt);
    expect([...f.keys()].sort()).toEqual(['__optimizer__.0', '__optimizer__.1', 'fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
    expect(f.metadata?.['format']).toBe('netspec-checkpoint/1');
    expect(JSON.parse(f.metadata!['optimizer']!)).toEqual({ kind: 'adam', step: 2 });
    expect(JSON.parse(f.metadata!['trainer']!)).toMatchObject({ step: 2, epoch: 0, stepInEpoch: 2, batch: 5, shuffle: true, seed: 7, samples: 12 });

    const save = join(dir, 'never.safetensors');
    const refuse = async (args: string[], message: RegExp, code = 1) => {
      const r = await run(['train', s, ...DATA, '--steps', '4', '--save', save, ...args]);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
    };
    await refuse(['--batch', '4', '--seed', '7', '--resume', ckpt], /c\.ckpt\.safetensors: cannot resume exactly: its batch size is 5, now 4/);
    await refuse(['--batch', '5', '--seed', '8', '--resume', ckpt], /its seed is 7, now 8/);
    await refuse([...common, '--resume', `${REF}/rnn/init.safetensors`], /init\.safetensors: not a netspec checkpoint/);
    await refuse([...common, '--resume', ckpt, '--weights', join(dir, 'c.safetensors')], /give --weights or --resume, not both/, 2);
    expect(() => readFileSync(save)).toThrow();
  });
});
