// The generated folder for --target wasm / all: index.js loads model.wasm beside it (file: URL
// in Node), createModel({ target }) gives the same forward as the TypeScript kernels, and
// `netspec run --target wasm` writes the same output as --target ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateFolder, writeFolderAtomic } from '../../compiler/commands/compile.js';
import { runCommand } from '../../compiler/commands/run.js';
import { asFloat32, readNpy, writeNpy } from '../../runtime/npy.js';
import type { ModelOptions, NetspecModel } from '../../runtime/model.js';
import { relErr } from './checks.js';

const dir = mkdtempSync(join(tmpdir(), 'netspec-wasm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generated module, --target all', () => {
  it('createModel runs the ts and the wasm kernels alike; blocks and training work', async () => {
    const out = join(dir, 'autoencoder');
    writeFolderAtomic(out, await generateFolder('specs/autoencoder.yaml', 'all'));
    expect(readFileSync(join(out, 'model.wasm')).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const mod = (await import(pathToFileURL(join(out, 'index.js')).href)) as { createModel(o: ModelOptions): Promise<NetspecModel> };
    const ts = await mod.createModel({ maxBatch: 3, seed: 2 });
    const wa = await mod.createModel({ maxBatch: 3, seed: 2, target: 'wasm' });
    const x = Float32Array.from({ length: 3 * 784 }, (_, i) => (i % 17) / 17);
    expect(relErr(wa.forward(x, 3), ts.forward(x, 3))).toBeLessThan(1e-5);
    const enc = x.subarray(0, 784);
    expect(relErr(wa.blocks.encoder.forward(enc, 1), ts.blocks.encoder.forward(enc, 1))).toBeLessThan(1e-5);
    expect(Math.abs(wa.trainStep(x, x, 3) - ts.trainStep(x, x, 3))).toBeLessThan(1e-6);
    expect(relErr(wa.param('decoder.2.bias'), ts.param('decoder.2.bias'))).toBeLessThan(1e-5);
    expect(wa.optimizer?.stepCount).toBe(1);
  });
});

describe('netspec run --target wasm', () => {
  it('writes the same output as --target ts', async () => {
    const x = Float32Array.from({ length: 5 * 160 }, (_, i) => Math.sin(i));
    writeFileSync(join(dir, 'x.npy'), writeNpy(x, [5, 16, 10]));
    const common = { weights: 'test/reference/rnn/init.safetensors', input: join(dir, 'x.npy'), batch: 2 };
    await runCommand('specs/rnn.yaml', { ...common, out: join(dir, 'ts.npy'), target: 'ts' });
    await runCommand('specs/rnn.yaml', { ...common, out: join(dir, 'wasm.npy'), target: 'wasm' });
    const read = (f: string) => asFloat32(readNpy(readFileSync(join(dir, f)), f), f);
    expect(relErr(read('wasm.npy'), read('ts.npy'))).toBeLessThan(1e-5);
  });
});
