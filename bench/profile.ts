// Per-kernel profile of the wasm target's inference at batch 64: every kernel function of the
// forward pass is exported (after emitting) and timed on its own, then the whole pass.
// With --ablate, the heaviest kernel is timed again with each of its top-level statements
// (and each statement directly inside a top-level loop) removed: what that statement costs.
// A script, not a test: `npx tsx bench/profile.ts [cnn|rnn|autoencoder] [--reps N] [--ablate]`.
import { emitWasm } from '../compiler/emit/wasm.js';
import type { Stmt } from '../compiler/ir/kernel.js';
import type { Program } from '../compiler/passes/lower.js';
import { BATCH, loadNet, NET_NAMES, type NetName } from './nets.js';

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a)) as NetName[];
const repsAt = args.indexOf('--reps');
const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 15;

function best(fn: () => void, minMs = 15): number {
  let calls = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) fn();
    const dt = performance.now() - t;
    if (dt >= minMs) break;
    calls *= 2;
  }
  const per: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) fn();
    per.push((performance.now() - t) / calls);
  }
  // the minimum: other processes share this machine's cores
  return Math.min(...per);
}

function describe(s: Stmt): string {
  if (s.k === 'for') return `for ${s.v} (${s.body.map((b) => b.k).join(',')})`;
  if (s.k === 'gemm') return `gemm N=${s.g.N} K=${JSON.stringify(s.g.K)} B ${s.g.B.rs}/${s.g.B.cs}`;
  if (s.k === 'if') return `if (${s.then.map((b) => b.k).join(',')})`;
  return s.k;
}

/** The kernel `name` with the statement at `path` removed. */
function without(program: Program, name: string, path: number[]): Program {
  const passes = program.passes.map((p) => ({
    ...p,
    calls: p.calls.map((c) => {
      if (c.name !== name) return c;
      const body = structuredClone(c.body);
      let list = body;
      for (const i of path.slice(0, -1)) list = (list[i] as Extract<Stmt, { k: 'for' }>).body;
      list.splice(path[path.length - 1], 1);
      return { ...c, body };
    }),
  }));
  return { ...program, passes };
}

function timeKernel(program: Program, plan: Parameters<typeof emitWasm>[1], name: string): number {
  const ex = new WebAssembly.Instance(new WebAssembly.Module(emitWasm(program, plan, { relaxed: false, exportKernels: true }).bytes as Uint8Array<ArrayBuffer>), {}).exports as Record<string, (n: number) => number>;
  ex.init(BATCH);
  const mem = new Float32Array((ex.memory as unknown as WebAssembly.Memory).buffer);
  for (let i = 0; i < mem.length; i++) mem[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  return best(() => ex[`k_${name}`](BATCH));
}

for (const name of names.length ? names : NET_NAMES) {
  const net = loadNet(name);
  const { program, plan } = net.compiled;
  const art = emitWasm(program, plan, { relaxed: false, exportKernels: true });
  const fwd = program.passes.find((p) => p.name === 'forward')!;
  const bytes = art.bytes;
  const wasm = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const instance = new WebAssembly.Instance(wasm, {});
  const ex = instance.exports as Record<string, (n: number) => number>;
  ex.init(BATCH);
  // arbitrary but finite arena contents (weights, input): timing only
  const mem = new Float32Array((instance.exports.memory as WebAssembly.Memory).buffer);
  for (let i = 0; i < mem.length; i++) mem[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  ex.forward(BATCH);
  const total = best(() => ex.forward(BATCH));
  const rows = fwd.calls.map((c) => ({ name: c.name, ms: best(() => ex[`k_${c.name}`](BATCH)) }));
  const sum = rows.reduce((a, r) => a + r.ms, 0);
  const flops = net.flopsPerSample * BATCH;
  process.stdout.write(`\n${name}: forward b${BATCH} ${(total * 1e3).toFixed(1)} µs = ${(BATCH / total * 1e3).toFixed(0)} samples/s, ${(flops / total / 1e6).toFixed(1)} GFLOP/s (kernels sum ${(sum * 1e3).toFixed(1)} µs)\n`);
  for (const r of rows) process.stdout.write(`  ${r.name.padEnd(34)} ${(r.ms * 1e3).toFixed(1).padStart(8)} µs  ${(100 * r.ms / sum).toFixed(1).padStart(5)}%\n`);
  if (!args.includes('--ablate')) continue;
  const heavy = rows.reduce((a, r) => (r.ms > a.ms ? r : a));
  const call = fwd.calls.find((c) => c.name === heavy.name)!;
  const full = timeKernel(program, plan, heavy.name);
  process.stdout.write(`  ablation of ${heavy.name} (${(full * 1e3).toFixed(1)} µs): cost of each statement\n`);
  call.body.forEach((s, i) => {
    const paths = [[i], ...(s.k === 'for' ? s.body.map((_, j) => [i, j]) : [])];
    for (const p of paths) {
      const st = p.length === 1 ? s : (s as Extract<Stmt, { k: 'for' }>).body[p[1]];
      if (st.k === 'let' || st.k === 'comment') continue;
      const t = timeKernel(without(program, heavy.name, p), plan, heavy.name);
      process.stdout.write(`    ${p.join('.').padEnd(6)} ${describe(st).slice(0, 50).padEnd(50)} ${((full - t) * 1e3).toFixed(1).padStart(8)} µs\n`);
    }
  });
}
