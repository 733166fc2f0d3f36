// netspec train: step-for-step replay against PyTorch (test/reference), input checking, and
// the stop on a non-finite loss or gradient.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../runtime/checkpoint.js';
import { readNpy, writeNpy } from '../../runtime/npy.js';
import { readSafetensors } from '../../runtime/safetensors.js';
import { compileModel, instantiate } from '../../compiler/build.js';
import { loadModel } from '../../compiler/commands/common.js';
import { runCli } from './run-cli.js';

const REF = 'test/reference';
const dir = mkdtempSync(join(tmpdir(), 'netspec-train-'));

const run = runCli;

const tensors = (path: string) => readSafetensors(new Uint8Array(readFileSync(path)), path);
const jsonLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

describe('train replays PyTorch step for step (--no-shuffle)', () => {
  for (const [net, target] of ['cnn', 'rnn', 'autoencoder'].flatMap((n) => [[n, 'ts'], [n, 'wasm']] as const)) {
    it(`${net} (--target ${target}): 3 steps of batch 4 match after3.safetensors and losses3`, async () => {
      const out = join(dir, `${net}-${target}.safetensors`);
      const metrics = join(dir, `${net}-${target}.jsonl`);
      const r = await run([
        'train', `specs/${net}.yaml`, '--data', `${REF}/${net}/x.npy,${REF}/${net}/y.npy`, '--weights', `${REF}/${net}/init.safetensors`,
        '--steps', '3', '--batch', '4', '--no-shuffle', '--save', out, '--metrics', metrics, '--target', target,
      ]);
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      const init = tensors(`${REF}/${net}/init.safetensors`);
      const ours = tensors(out);
      /** max|ours − ref| / max|ref − init| over all parameters, and the tensor of the largest difference. */
      const moveMetric = (file: string) => {
        let err = 0;
        let moved = 0;
        let worst = '';
        for (const [name, t] of tensors(`${REF}/${net}/${file}`)) {
          const a = ours.get(name)!.data as Float32Array;
          const b = t.data as Float32Array;
          const w0 = init.get(name)!.data as Float32Array;
          expect(a.length).toBe(b.length);
          for (let i = 0; i < b.length; i++) {
            const d = Math.abs(a[i]! - b[i]!);
            if (d > err) [err, worst] = [d, name];
            moved = Math.max(moved, Math.abs(b[i]! - w0[i]!));
          }
        }
        return { rel: err / moved, worst };
      };
      const expected = JSON.parse(readFileSync(`${REF}/${net}/expected.json`, 'utf8')) as { losses3: number[]; torch_f32_vs_f64_after3: number };
      const vsF32 = moveMetric('after3.safetensors');
      const vsF64 = moveMetric('after3_f64.safetensors');
      const floor = expected.torch_f32_vs_f64_after3;
      console.log(
        `${net} (${target}): max|ours − torch| / max|torch − init| = ${vsF32.rel.toExponential(3)} vs torch float32 (worst ${vsF32.worst}), ` +
          `${vsF64.rel.toExponential(3)} vs torch float64 (worst ${vsF64.worst}); torch float32 vs float64: ${floor.toExponential(3)}`,
      );
      // As test/reference/parity.test.ts: where PyTorch's own float32 run is further than 1e-4
      // from its float64 run (the autoencoder: Adam on pre-activations that cancel), no two
      // float32 implementations agree to 1e-4; then be no further from float64 than torch is.
      expect(vsF64.rel).toBeLessThan(Math.max(1e-4, floor));
      if (floor < 1e-4) expect(vsF32.rel).toBeLessThanOrEqual(1e-4);

      const losses = jsonLines(metrics).filter((l) => l['loss'] !== undefined).map((l) => l['loss']!);
      expect(losses).toHaveLength(3);
      losses.forEach((l, k) => expect(Math.abs(l - expected.losses3[k]!) / Math.abs(expected.losses3[k]!)).toBeLessThanOrEqual(1e-5));
    });
  }
});

describe('batching', () => {
  it('an epoch is ceil(N/B) steps, the last one smaller; --no-shuffle wraps to the next epoch in file order', async () => {
    const metrics = join(dir, 'batches.jsonl');
    const r = await run([
      'train', 'specs/rnn.yaml', '--data', `${REF}/rnn/x.npy,${REF}/rnn/y.npy`, '--steps', '5', '--batch', '5', '--no-shuffle',
      '--save', join(dir, 'batches.safetensors'), '--metrics', metrics,
    ]);
    expect(r.code).toBe(0);
    const steps = jsonLines(metrics).filter((l) => l['loss'] !== undefined);
    expect(steps.map((s) => [s['epoch'], s['samples']])).toEqual([[1, 5], [1, 5], [1, 2], [2, 5], [2, 5]]);
    expect(r.stdout).toMatch(/epoch 1\/2 {2}train loss/);
  });

  it('training accuracy comes from the training forward (tap) and agrees with a forward pass', async () => {
    // With lr 0 the weights never change, so the running confusion of one epoch equals the
    // predictions of a plain forward pass over the whole file.
    const r = await run([
      'train', 'specs/rnn.yaml', '--data', `${REF}/rnn/x.npy,${REF}/rnn/y.npy`, '--epochs', '1', '--batch', '5', '--lr', '0',
      '--weights', `${REF}/rnn/init.safetensors`, '--save', join(dir, 'tap.safetensors'),
    ]);
    expect(r.code).toBe(0);
    const m = instantiate(compileModel(loadModel('specs/rnn.yaml')), { maxBatch: 12 });
    m.loadWeights(new Uint8Array(readFileSync(`${REF}/rnn/init.safetensors`)));
    const x = readNpy(new Uint8Array(readFileSync(`${REF}/rnn/x.npy`))).data as Float32Array;
    const y = readNpy(new Uint8Array(readFileSync(`${REF}/rnn/y.npy`))).data as BigInt64Array;
    const out = m.forward(x, 12);
    let correct = 0;
    for (let i = 0; i < 12; i++) if ((out[2 * i + 1]! > out[2 * i]! ? 1 : 0) === Number(y[i])) correct++;
    expect(r.stdout).toContain(`accuracy ${((100 * correct) / 12).toFixed(2)}%`);
  });
});

describe('bad input: one message naming the file, exit 1, nothing written', () => {
  const bad = (name: string, make: () => string[], message: RegExp, code = 1) =>
    it(name, async () => {
      const save = join(dir, `bad-${name.replace(/\W+/g, '-')}.safetensors`);
      const args = make();
      const before = readdirSync(dir).length;
      const r = await run(['train', ...args, ...(args.includes('--save') || /missing --save/.test(name) ? [] : ['--save', save])]);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(code === 2 ? 2 : 1); // commander adds its usage hint
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(save)).toBe(false);
      expect(readdirSync(dir).length).toBe(before);
    });
  const data = (x: string, y: string) => ['--data', `${x},${y}`];
  const write = (name: string, data: Float32Array | Int32Array, shape: number[]) => {
    const p = join(dir, name);
    writeFileSync(p, writeNpy(data, shape));
    return p;
  };
  const ry = `${REF}/rnn/y.npy`;
  const rx = `${REF}/rnn/x.npy`;

  bad('wrong input shape', () => ['specs/cnn.yaml', ...data(rx, ry)], /rnn\/x\.npy: inputs must be shaped \[N, 3, 28, 28\].*got \[12, 16, 10\]/);
  bad('wrong input dtype', () => ['specs/rnn.yaml', ...data(write('xi.npy', new Int32Array(12 * 160), [12, 16, 10]), ry)], /xi\.npy: expected a float32 \(or float64\) array, got int32/);
  bad('float class targets', () => ['specs/rnn.yaml', ...data(rx, write('yf.npy', new Float32Array(12), [12]))], /yf\.npy: class targets must be an integer array/);
  bad('class out of range', () => ['specs/rnn.yaml', ...data(rx, write('y7.npy', Int32Array.from({ length: 12 }, (_, i) => (i === 5 ? 7 : 0)), [12]))], /y7\.npy: class 7 at sample 5 is outside 0\.\.1/);
  bad('mse targets of the wrong shape', () => ['specs/autoencoder.yaml', ...data(`${REF}/autoencoder/x.npy`, write('ya.npy', new Float32Array(12 * 10), [12, 10]))], /ya\.npy: mse targets must be shaped like the output, \[N, 784\], got \[12, 10\]/);
  bad('mismatched N', () => ['specs/rnn.yaml', ...data(rx, write('y10.npy', new Int32Array(10), [10]))], /rnn\/x\.npy has 12 samples but .*y10\.npy has 10/);
  bad('unknown dataset path', () => ['specs/rnn.yaml', ...data(join(dir, 'nothere.npy'), ry)], /cannot read training inputs '.*nothere\.npy': no such file/);
  bad('unknown dataset name', () => ['specs/rnn.yaml', '--data', 'cifar10'], /--data 'cifar10': expected mnist, running-sum, X\.npy,Y\.npy or IMAGES\.idx,LABELS\.idx/);
  bad('mnist for a spec that cannot take it', () => ['specs/rnn.yaml', '--data', 'mnist'], /--data mnist: spec 'rnn' takes input \[16, 10\] \(160 values\), but MNIST images are 28×28 = 784 values/);
  bad('missing directory of --save', () => ['specs/rnn.yaml', ...data(rx, ry), '--save', join(dir, 'no', 'w.safetensors')], /--save '.*w\.safetensors': directory '.*no' does not exist/);
  bad('missing --save is a usage error', () => ['specs/rnn.yaml', ...data(rx, ry)], /required option '--save <file>' not specified/, 2);
  bad('--epochs with --steps is a usage error', () => ['specs/rnn.yaml', ...data(rx, ry), '--epochs', '1', '--steps', '2'], /--epochs.*cannot be used with option '--steps/, 2);
});

describe('a non-finite loss or gradient stops training', () => {
  it('names the step and the first non-finite gradient, keeps the last checkpoint, saves nothing, exits 1', async () => {
    const spec = join(dir, 'tiny.yaml');
    writeFileSync(spec, [
      'netspec: 1', 'name: tiny', 'input: {shape: [16, 10]}', 'layers:', '  - flatten', '  - dense: {name: fc1, units: 8}', '  - relu',
      '  - dense: {name: fc2, units: 2}', 'loss: cross_entropy', 'optimizer: {sgd: {lr: 1e30}}', '',
    ].join('\n'));
    const save = join(dir, 'diverged.safetensors');
    const ckpt = join(dir, 'diverged.ckpt.safetensors');
    const r = await run(['train', spec, '--data', `${REF}/rnn/x.npy,${REF}/rnn/y.npy`, '--steps', '6', '--batch', '4', '--checkpoint-every', '1', '--save', save]);
    expect(r.code).toBe(1);
    const msg = r.stderr.trim().split('\n').filter((l) => l.startsWith('netspec: error:'));
    expect(msg).toHaveLength(1);
    const m = /training diverged at step (\d+) .*: (the gradient of '(fc\d\.\w+)' is (NaN|-?Infinity)|the loss is (NaN|-?Infinity))/.exec(msg[0]!);
    expect(m, msg[0]).not.toBeNull();
    const step = Number(m![1]);
    expect(step).toBeGreaterThan(1);
    expect(msg[0]).toContain(`the last checkpoint (step ${step - 1}) is intact`);
    expect(existsSync(save)).toBe(false);
    // The checkpoint on disk is the last good one: finite and at the step before.
    const model = instantiate(compileModel(loadModel(spec)), { maxBatch: 4 });
    const c = decodeCheckpoint(new Uint8Array(readFileSync(ckpt)), model, ckpt);
    expect(c.trainer.step).toBe(step - 1);
    for (const w of c.weights) expect(w.every(Number.isFinite)).toBe(true);
  });
});
