// generated/ is the committed output of `npm run generate`: regenerating every shipped spec
// must give the same files byte for byte, and the emitted TypeScript must pass tsc --strict.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderName, generateFolder } from '../../compiler/commands/compile.js';

const SPECS = ['specs/cnn.yaml', 'specs/rnn.yaml', 'specs/autoencoder.yaml', 'specs/mnist-cnn.yaml'];

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe('generated/ is reproducible from specs/', () => {
  it.each(SPECS)('%s regenerates to the committed folder', async (spec) => {
    const dir = join('generated', folderName(spec));
    const fresh = await generateFolder(spec, 'all');
    const committed = listFiles(dir).map((p) => relative(dir, p)).sort();
    expect(committed).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) {
      const onDisk = readFileSync(join(dir, name));
      const want = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
      expect(onDisk.equals(want), `${dir}/${name} differs: run npm run generate`).toBe(true);
    }
  });

  it('the emitted TypeScript is clean under tsc --noEmit --strict', () => {
    const entries = SPECS.map((s) => join('generated', folderName(s), 'index.ts'));
    const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', '--lib', 'es2022,dom', ...entries];
    let out = '';
    try {
      out = execFileSync(process.execPath, [tsc, ...args], { encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout?: string }).stdout ?? String(e);
    }
    expect(out).toBe('');
  });

  it('a generated module runs as a user would import it', async () => {
    const mod = (await import('../../generated/rnn/index.js')) as typeof import('../../generated/rnn/index.js');
    const model = await mod.createModel({ maxBatch: 2, seed: 3 });
    expect(model.info.paramCount).toBe(1234);
    const x = new Float32Array(2 * 16 * 10).map((_, i) => Math.sin(i));
    const y = model.forward(x, 2);
    expect(y.length).toBe(4);
    // softmax-free logits: finite, and a batch equals its samples run alone
    const first = Array.from(y.subarray(0, 2));
    const alone = Array.from(model.forward(x.subarray(0, 160), 1));
    expect(alone).toEqual(first);
    const loss0 = model.trainStep(x, [0, 1], 2);
    let loss = loss0;
    for (let i = 0; i < 30; i++) loss = model.trainStep(x, [0, 1], 2);
    expect(loss).toBeLessThan(loss0);
  });
});
