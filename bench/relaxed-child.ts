// Run by bench/run.ts under node --experimental-wasm-relaxed-simd: the relaxed-SIMD peak and
// netspec-wasm's relaxed variant on every network, as one JSON line.
import { measureRunner } from './measure-net.js';
import { loadNet, NET_NAMES } from './nets.js';
import { netspecRunner } from './netspec.js';
import { simdPeak } from './peak.js';

const peak = await simdPeak(true);
const rows = [];
for (const name of NET_NAMES) {
  const net = loadNet(name);
  rows.push(await measureRunner(net, 'netspec-wasm (relaxed SIMD)', await netspecRunner(net, 'wasm', 'relaxed')));
}
process.stdout.write(JSON.stringify({ peak, rows }) + '\n');
