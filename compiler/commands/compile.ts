// netspec compile SPEC --target ts|wasm|all --out DIR: writes a self-contained module folder.
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NetspecError } from '../../runtime/errors.js';
import { compileModel } from '../build.js';
import { bundle } from '../emit/bundle.js';
import { emitTsModule } from '../emit/ts.js';
import { loadModel } from './common.js';

export interface CompileOptions {
  target: 'ts' | 'wasm' | 'all';
  out: string;
  quiet?: boolean;
}

/** Writes every file into a fresh sibling folder, then swaps it into place: never half-written. */
export function writeFolderAtomic(dir: string, files: Map<string, string | Uint8Array>): void {
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [name, text] of files) {
      const path = join(tmp, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    const old = `${target}.old-${process.pid}`;
    if (existsSync(target)) renameSync(target, old);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new NetspecError(`cannot write '${dir}': ${(e as Error).message}`);
  }
}

export async function generateFolder(specPath: string, target: CompileOptions['target']): Promise<Map<string, string | Uint8Array>> {
  const model = loadModel(specPath);
  const compiled = compileModel(model);
  const source = relative(process.cwd(), resolve(specPath)) || specPath;
  if (target === 'ts') return bundle(await emitTsModule(compiled.program, compiled.plan, compiled.description, source));
  const { emitWasm } = await import('../emit/wasm.js');
  const { emitWasmIndex } = await import('../emit/wasm-module.js');
  const index = emitWasmIndex(compiled.program, compiled.plan, compiled.description, source, target === 'all');
  const files: Map<string, string | Uint8Array> = await bundle(index, ['model.ts', 'wasm.ts']);
  files.set('model.wasm', emitWasm(compiled.program, compiled.plan, { relaxed: false }).bytes);
  files.set('model-relaxed.wasm', emitWasm(compiled.program, compiled.plan, { relaxed: true }).bytes);
  return files;
}

/** The folder name for a spec given with others: its file name without extension. */
export function folderName(specPath: string): string {
  return basename(specPath).replace(/\.ya?ml$/i, '');
}

/** One spec: DIR is its module folder. Several: DIR holds one folder per spec (DIR/<spec name>). */
export async function compileCommand(specPaths: string[], opts: CompileOptions): Promise<number> {
  for (const specPath of specPaths) {
    const out = specPaths.length === 1 ? opts.out : join(opts.out, folderName(specPath));
    const files = await generateFolder(specPath, opts.target);
    writeFolderAtomic(out, files);
    if (!opts.quiet) {
      // What an app loads: the JavaScript and one .wasm (the relaxed-SIMD file is an alternative to model.wasm).
      const code = [...files].filter(([n]) => n.endsWith('.js') || n === 'model.wasm').map(([, t]) => t);
      const raw = code.reduce((a, t) => a + (typeof t === 'string' ? Buffer.byteLength(t) : t.length), 0);
      const gz = code.reduce((a, t) => a + gzipSync(typeof t === 'string' ? Buffer.from(t) : t).length, 0);
      const what = files.has('model.wasm') ? 'module + runtime + model.wasm' : 'module + runtime';
      process.stdout.write(`${specPath} → ${out}: ${files.size} files; ${what} ${raw.toLocaleString('en-US')} bytes, ${gz.toLocaleString('en-US')} gzipped (weights excluded)\n`);
    }
  }
  return 0;
}
