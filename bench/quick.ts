// netspec-wasm alone on the reference nets, with the bench's own timing (bench/measure-net.ts):
// a quick before/after check between full `npm run bench` runs.
// A script, not a test: `npx tsx bench/quick.ts [cnn|rnn|autoencoder]…`.
import { measureRunner } from './measure-net.js';
import { loadNet, NET_NAMES, type NetName } from './nets.js';
import { netspecRunner } from './netspec.js';
import { TARGETS } from './report.js';

const names = process.argv.slice(2) as NetName[];
for (const name of names.length ? names : NET_NAMES) {
  const net = loadNet(name);
  const row = await measureRunner(net, 'netspec-wasm', await netspecRunner(net, 'wasm'));
  const t = TARGETS[name];
  process.stdout.write(`${name}: train ${row.train?.samplesPerSec.toFixed(0)}/s, b1 ${row.infer1.us.toFixed(1)} µs, b64 ${row.infer64.samplesPerSec.toFixed(0)}/s (${row.infer64.gflops.toFixed(1)} GFLOP/s), target ${t.infer64}\n`);
}
