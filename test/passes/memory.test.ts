// The memory plan: buffers that are live at the same step never share memory, dead ones do,
// parameters and gradients are each one contiguous run, and everything fits in the arena.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { lower } from '../../compiler/passes/lower.js';
import { arenaBytes, planMemory } from '../../compiler/passes/memory.js';
import { compileModel } from '../../compiler/build.js';
import { runCli } from '../cli/run-cli.js';

const SPECS = ['specs/cnn.yaml', 'specs/rnn.yaml', 'specs/autoencoder.yaml', 'specs/mnist-cnn.yaml'];

function program(spec: string) {
  const r = checkSource(spec, readFileSync(spec, 'utf8'));
  if (!r.model) throw new Error(`${spec} does not check`);
  return lower(r.model);
}

describe.each(SPECS)('memory plan of %s', (spec) => {
  const prog = program(spec);
  const plan = planMemory(prog);

  it.each([1, 7, 64])('no two simultaneously live buffers overlap at maxBatch %i', (maxBatch) => {
    const bufs = [...prog.buffers.values()].map((b) => {
      const p = plan.placement.get(b.name)!;
      const start = p.fixed + p.perSample * maxBatch;
      return { b, start, end: start + b.size * (b.batched ? maxBatch : 1) };
    });
    const total = plan.fixed + plan.perSample * maxBatch;
    for (const x of bufs) expect(x.end).toBeLessThanOrEqual(total);
    for (let i = 0; i < bufs.length; i++) {
      for (let j = i + 1; j < bufs.length; j++) {
        const [x, y] = [bufs[i], bufs[j]];
        const live = x.b.live.some(([a0, a1]) => y.b.live.some(([b0, b1]) => a0 <= b1 && b0 <= a1));
        const overlap = x.start < y.end && y.start < x.end;
        if (live && overlap) throw new Error(`${x.b.name} and ${y.b.name} are live together and overlap`);
      }
    }
  });

  it('reuses memory of dead buffers and keeps parameters and gradients contiguous', () => {
    const batchedTotal = [...prog.buffers.values()].filter((b) => b.batched).reduce((a, b) => a + Math.ceil(b.size / 4) * 4, 0);
    expect(plan.perSample).toBeLessThanOrEqual(batchedTotal);
    let at = plan.params.offset;
    for (const p of prog.params) {
      expect(plan.placement.get(p.buffer)!.fixed).toBe(at);
      at += p.shape.reduce((a, b) => a * b, 1);
    }
    expect(at - plan.params.offset).toBe(plan.params.size);
    const gradStart = plan.placement.get(prog.params[0].grad)!.fixed;
    expect(gradStart).toBe(plan.grads.offset);
  });
});

it('the planner shares memory where lifetimes allow (the autoencoder reuses gradient buffers)', () => {
  const prog = program('specs/autoencoder.yaml');
  const plan = planMemory(prog);
  const batchedTotal = [...prog.buffers.values()].filter((b) => b.batched).reduce((a, b) => a + Math.ceil(b.size / 4) * 4, 0);
  expect(plan.perSample).toBeLessThan(batchedTotal);
});

it('netspec check --max-batch reports the arena bytes of the plan', async () => {
  const r = await runCli(['check', 'specs/rnn.yaml', '--max-batch', '64', '--json']);
  expect(r.code).toBe(0);
  const [summary] = JSON.parse(r.stdout) as { arenaBytes: number; maxBatch: number }[];
  expect(summary.maxBatch).toBe(64);
  const model = checkSource('specs/rnn.yaml', readFileSync('specs/rnn.yaml', 'utf8')).model!;
  expect(summary.arenaBytes).toBe(arenaBytes(compileModel(model).plan, 64));
  expect(summary.arenaBytes).toBe(compileModel(model).description.arena.fixed * 4 + compileModel(model).description.arena.perSample * 64 * 4);
  expect(summary.arenaBytes).toBeGreaterThan(4 * 1234 * 2);
});
