// Bundle sizes for the benchmark report: what a page downloads to run the MNIST CNN.
//   netspec: the compiled module folder (generated/mnist-cnn: index.js + the runtime files it
//            carries, and model.wasm when the folder was compiled for wasm), weights excluded.
//   tfjs:    TensorFlow.js for the same model: tfjs-core + tfjs-layers + one backend (cpu, or
//            wasm with the SIMD .wasm binary it loads), from node_modules/@tensorflow/*/dist,
//            the ES2017 minified builds (the smallest tfjs ships).
// Each file is gzipped on its own (as a server sends it), at zlib's default level, for both.
// `npx tsx bench/size.ts` prints the table.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

export interface Size {
  raw: number;
  gzip: number;
  /** The files counted, relative to the project root. */
  files: string[];
}

export interface SizeReport {
  netspec: Size;
  tfjs: Size;
}

export interface SizeOptions {
  /** The compiled module folder (default generated/mnist-cnn). */
  moduleDir?: string;
  /** The TensorFlow.js backend counted (default cpu). */
  backend?: 'cpu' | 'wasm';
  /** Where node_modules is (default the project root). */
  root?: string;
}

function measure(paths: string[], root: string): Size {
  let raw = 0;
  let gzip = 0;
  for (const p of paths) {
    const bytes = readFileSync(p);
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip, files: paths.map((p) => relative(root, p)) };
}

/** Every .js and .wasm file of a module folder; model-relaxed.wasm is an alternative to model.wasm (one is loaded), so only model.wasm counts. */
function moduleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if ((name.endsWith('.js') || name.endsWith('.wasm')) && name !== 'model-relaxed.wasm') out.push(p);
    }
  };
  walk(dir);
  return out;
}

function tfjsFiles(root: string, backend: 'cpu' | 'wasm'): string[] {
  const dist = (pkg: string, base: string) => {
    const dir = join(root, 'node_modules', '@tensorflow', pkg, 'dist');
    for (const name of [`${base}.es2017.min.js`, `${base}.min.js`]) if (existsSync(join(dir, name))) return join(dir, name);
    throw new Error(`bench/size: no minified ${base} in ${relative(root, dir)}; is @tensorflow/${pkg} installed?`);
  };
  const files = [dist('tfjs-core', 'tf-core'), dist('tfjs-layers', 'tf-layers'), dist(`tfjs-backend-${backend}`, `tf-backend-${backend}`)];
  if (backend === 'wasm') files.push(join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm-simd.wasm'));
  return files;
}

/** Bytes raw and gzipped of netspec's compiled mnist-cnn and of TensorFlow.js for the same model. */
export function measureSizes(options: SizeOptions = {}): SizeReport {
  const root = options.root ?? ROOT;
  const moduleDir = options.moduleDir ?? join(root, 'generated', 'mnist-cnn');
  return { netspec: measure(moduleFiles(moduleDir), root), tfjs: measure(tfjsFiles(root, options.backend ?? 'cpu'), root) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
  const cpu = measureSizes({ backend: 'cpu' });
  const wasm = measureSizes({ backend: 'wasm' });
  const rows: [string, Size][] = [
    ['netspec mnist-cnn (module + runtime)', cpu.netspec],
    ['tfjs core + layers + backend-cpu', cpu.tfjs],
    ['tfjs core + layers + backend-wasm', wasm.tfjs],
  ];
  process.stdout.write(`${'bundle'.padEnd(38)}${'raw'.padStart(10)}${'gzip'.padStart(10)}\n`);
  for (const [name, s] of rows) process.stdout.write(`${name.padEnd(38)}${kb(s.raw)}${kb(s.gzip)}\n`);
  process.stdout.write(`netspec is ${(cpu.tfjs.gzip / cpu.netspec.gzip).toFixed(1)}× smaller gzipped than tfjs with the cpu backend (weights excluded from both)\n`);
}
