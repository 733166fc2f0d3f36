// specs/rnn.yaml learns the seeded running-sum task (runtime/synthetic.ts): which of two
// features has the larger sum over 16 steps. Chance is 50%; the LSTM must integrate over time.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { RUNNING_SUM, runningSumDataset } from '../../runtime/synthetic.js';

it('the running-sum task is seeded, balanced and labelled by the sums', () => {
  const a = runningSumDataset('rnn', [16, 10], { kind: 'classes', classes: 2 }, 'train');
  const b = runningSumDataset('rnn', [16, 10], { kind: 'classes', classes: 2 }, 'train');
  expect(a.x).toEqual(b.x);
  expect(a.n).toBe(RUNNING_SUM.trainSamples);
  const ones = Array.from(a.y).reduce((s, v) => s + v, 0);
  expect(ones / a.n).toBeGreaterThan(0.45);
  expect(ones / a.n).toBeLessThan(0.55);
  for (const s of [0, 1, 2, 3, 500]) {
    let d = 0;
    for (let t = 0; t < 16; t++) d += a.x[(s * 16 + t) * 10 + 1] - a.x[(s * 16 + t) * 10];
    expect(a.y[s]).toBe(d > 0 ? 1 : 0);
  }
  const test = runningSumDataset('rnn', [16, 10], { kind: 'classes', classes: 2 }, 'test');
  expect(test.x.subarray(0, 160)).not.toEqual(a.x.subarray(0, 160));
  expect(() => runningSumDataset('cnn', [3, 28, 28], { kind: 'classes', classes: 10 }, 'train')).toThrow(/\[T, features\]/);
});

it('specs/rnn.yaml reaches ≥ 95% test accuracy on it (10 epochs, seeded)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspec-rs-'));
  const metrics = join(dir, 'metrics.jsonl');
  const r = await runCli(['train', 'specs/rnn.yaml', '--data', 'running-sum', '--epochs', '10', '--seed', '0', '--save', join(dir, 'w.safetensors'), '--metrics', metrics]);
  expect(r.code, r.stderr).toBe(0);
  const lines = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = lines[lines.length - 1] as { done?: boolean; test_accuracy?: number };
  console.log('running-sum summary:', JSON.stringify(summary));
  expect(summary.done).toBe(true);
  expect(summary.test_accuracy).toBeGreaterThanOrEqual(0.95);
});
