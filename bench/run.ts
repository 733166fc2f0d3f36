// npm run bench: every reference network on netspec (wasm, ts) and its peers (TensorFlow.js
// cpu and wasm backends, ONNX Runtime native and web), single-threaded, against the machine's
// measured WebAssembly SIMD128 peak. Writes bench/results.md and bench/results.json.
// A script, not a test: numbers depend on the machine and on what else runs on it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { measureRunner, type Row } from './measure-net.js';
import { loadNet, NET_NAMES, type Net } from './nets.js';
import { netspecRunner, wasmCompileMs } from './netspec.js';
import { ortRunner } from './ort.js';
import { simdPeak } from './peak.js';
import { tfjsRunner } from './tfjs.js';
import { renderMarkdown, TARGETS } from './report.js';
import { measureSizes } from './size.js';

const log = (s: string) => process.stderr.write(`${s}\n`);
const version = (pkg: string) => (JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;

const loadBefore = loadavg()[0];
log('measuring the WebAssembly SIMD128 peak…');
const peak = { simd128: (await simdPeak(false))!, relaxed: undefined as number | undefined };

const compile: Record<string, { simdMs: number; relaxedMs: number; optimizeMs: number; bytes: number }> = {};
const rows: Row[] = [];
const systems: [string, (net: Net) => Promise<import('./nets.js').Runner>, boolean][] = [
  ['netspec-wasm', (n) => netspecRunner(n, 'wasm'), false],
  ['netspec-ts', (n) => netspecRunner(n, 'ts'), true],
  ['tfjs-cpu', (n) => tfjsRunner(n, 'cpu'), true],
  ['tfjs-wasm', (n) => tfjsRunner(n, 'wasm'), false],
  ['ort-node', (n) => ortRunner(n, 'node'), false],
  ['ort-web', (n) => ortRunner(n, 'web'), false],
];
for (const name of NET_NAMES) {
  const net = loadNet(name);
  const s = wasmCompileMs(net, false);
  const r = wasmCompileMs(net, true);
  compile[name] = { simdMs: s.total, relaxedMs: r.total, optimizeMs: s.optimize, bytes: s.bytes };
  log(`${name}: wasm compile ${s.total.toFixed(0)} ms (-O ${s.optimize.toFixed(0)} ms)`);
  for (const [system, make, slow] of systems) {
    log(`${name}: ${system}…`);
    try {
      const row = await measureRunner(net, system, await make(net), slow);
      rows.push(row);
      log(`  train ${row.train?.samplesPerSec.toFixed(0) ?? '—'}/s, b1 ${row.infer1.us.toFixed(1)} µs, b64 ${row.infer64.samplesPerSec.toFixed(0)}/s`);
    } catch (e) {
      log(`  failed: ${(e as Error).message}`);
      rows.push({ net: name, system, infer1: { us: NaN, gflops: NaN }, infer64: { samplesPerSec: NaN, gflops: NaN }, note: `failed: ${(e as Error).message.split('\n')[0]}` });
    }
  }
}

log('relaxed SIMD variant (child node with --experimental-wasm-relaxed-simd)…');
const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'bench/relaxed-child.ts'], { encoding: 'utf8', maxBuffer: 1 << 24 });
if (child.status === 0) {
  const out = JSON.parse(child.stdout) as { peak?: number; rows: Row[] };
  peak.relaxed = out.peak;
  rows.push(...out.rows);
} else log(`  failed: ${child.stderr.slice(0, 500)}`);

const machine = {
  loadAverage1m: `${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end (other processes share these cores)`,
  cpu: cpus()[0]?.model ?? 'unknown',
  logicalCores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${osType()} ${release()}`,
  node: process.version,
  v8: process.versions.v8,
};
const versions = {
  netspec: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
  binaryen: version('binaryen'),
  '@tensorflow/tfjs': version('@tensorflow/tfjs'),
  '@tensorflow/tfjs-backend-wasm': version('@tensorflow/tfjs-backend-wasm'),
  'onnxruntime-node': version('onnxruntime-node'),
  'onnxruntime-web': version('onnxruntime-web'),
};
const sizes = { cpu: measureSizes({ backend: 'cpu' }), wasm: measureSizes({ backend: 'wasm' }) };
const results = { date: new Date().toISOString(), machine, versions, peakGflops: peak, compileMs: compile, rows, targets: TARGETS, sizes };
writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
writeFileSync('bench/results.md', renderMarkdown(results));
log('wrote bench/results.md and bench/results.json');
