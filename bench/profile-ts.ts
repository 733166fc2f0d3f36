// Per-kernel profile of the TypeScript target's train step: every kernel call of forwardTrain
// and backward is timed, then listed by time. A script, not a test:
// `npx tsx bench/profile-ts.ts [cnn|rnn|autoencoder|mnist-cnn] [batch]`.
import { readFileSync } from 'node:fs';
import { compileModel } from '../compiler/build.js';
import { renderKernels } from '../compiler/emit/ts.js';
import { checkSource } from '../compiler/pipeline.js';
import { createRuntimeModel, type KernelFactory } from '../runtime/model.js';

const net = process.argv[2] ?? 'autoencoder';
const B = Number(process.argv[3] ?? 64);
const path = `specs/${net}.yaml`;
const checked = checkSource(path, readFileSync(path, 'utf8'));
if (!checked.model) throw new Error(`${path} does not check`);
const compiled = compileModel(checked.model);
const times: Record<string, number> = {};
// Wrap every call in the passes' bodies with a timer.
const src = renderKernels(compiled.program, compiled.plan, { typed: false }).replace(
  /^ {6}(\w+)\(n\);$/gm,
  (_m, f: string) => `      { const t0 = performance.now(); ${f}(n); T['${f}'] = (T['${f}'] ?? 0) + performance.now() - t0; }`,
);
const factory = new Function('T', `${src}\nreturn kernels;`)(times) as KernelFactory;
const model = createRuntimeModel(compiled.description, factory, { maxBatch: B });
const inSize = model.info.inputShape.reduce((a, b) => a * b, 1);
const x = new Float32Array(B * inSize).map((_, i) => 0.5 + 0.5 * Math.sin(i));
const y = compiled.description.target?.classes !== undefined ? Array.from({ length: B }, (_, i) => i % compiled.description.target!.classes!) : x;
for (let i = 0; i < 2; i++) model.trainStep(x, y, B);
for (const k of Object.keys(times)) delete times[k];
const reps = 5;
const t0 = performance.now();
for (let i = 0; i < reps; i++) model.trainStep(x, y, B);
const ms = (performance.now() - t0) / reps;
console.log(`${net} TS train step, batch ${B}: ${ms.toFixed(1)} ms (${((1000 * B) / ms).toFixed(0)} samples/s)`);
const titles = new Map(compiled.program.passes.flatMap((p) => p.calls.map((c) => [c.name, c.title] as const)));
for (const [k, v] of Object.entries(times).sort((a, b) => b[1] - a[1])) {
  console.log(`${(v / reps).toFixed(2).padStart(8)} ms  ${k.padEnd(5)} ${titles.get(k) ?? ''}`);
}
