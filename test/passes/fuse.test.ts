// ReLU fusion into GEMM epilogues: which kernels fuse, which must not, and that a fused
// program computes what the unfused one does (forward, gradients) on the TypeScript target.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { instantiate, type Compiled } from '../../compiler/build.js';
import { describe as describeProgram } from '../../compiler/emit/description.js';
import { fuseActivations } from '../../compiler/passes/fuse.js';
import { lower, type Program } from '../../compiler/passes/lower.js';
import { planMemory } from '../../compiler/passes/memory.js';
import type { Gemm, Stmt } from '../../compiler/ir/kernel.js';

function programOf(yaml: string, path = 'test.yaml'): Program {
  const r = checkSource(path, yaml);
  if (!r.model) throw new Error(`${path}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return lower(r.model);
}

const compiled = (p: Program): Compiled => {
  const plan = planMemory(p);
  return { program: p, plan, description: describeProgram(p, plan) };
};

function gemms(body: Stmt[], out: Gemm[] = []): Gemm[] {
  for (const s of body) {
    if (s.k === 'gemm') out.push(s.g);
    if (s.k === 'for') gemms(s.body, out);
    if (s.k === 'if') { gemms(s.then, out); gemms(s.else, out); }
  }
  return out;
}

const spec = (layers: string[]) =>
  ['netspec: 1', 'name: t', 'input: {shape: [2, 6, 5]}', 'layers:', ...layers.map((l) => `  - ${l}`), 'loss: cross_entropy', 'optimizer: {sgd: {lr: 0.1}}'].join('\n') + '\n';

describe('fuseActivations', () => {
  it('fuses every relu of the cnn into its conv or dense GEMM and empties the relu kernels', () => {
    const p = programOf(readFileSync('specs/cnn.yaml', 'utf8'), 'specs/cnn.yaml');
    expect(fuseActivations(p)).toBe(3);
    const fwd = p.passes.find((x) => x.name === 'forward')!;
    expect(fwd.calls.filter((c) => c.body.length === 0)).toHaveLength(3);
    expect(fwd.calls.flatMap((c) => gemms(c.body)).filter((g) => g.activation === 'relu')).toHaveLength(3);
  });

  it('fuses only a relu whose input a GEMM writes', () => {
    // relu after maxpool (no GEMM) stays; the last relu, writing the model output, fuses
    const p = programOf(spec(['conv2d: {filters: 3, kernel: 3, padding: 1}', 'maxpool2d: {kernel: 2}', 'relu', 'flatten', 'dense: {units: 4}', 'relu']));
    expect(fuseActivations(p)).toBe(1);
    expect(p.passes.find((x) => x.name === 'forward')!.calls.filter((c) => c.body.length === 0)).toHaveLength(1);
  });

  it('leaves a relu alone when its input is a block output', () => {
    const q = programOf(spec(['flatten', 'block: {name: b, layers: [{dense: {units: 4}}]}', 'relu', 'dense: {units: 3}']));
    expect(fuseActivations(q)).toBe(0);
  });

  it('computes the same forward output and gradients as the unfused program', () => {
    const yaml = spec(['conv2d: {filters: 4, kernel: 3, padding: 1}', 'relu', 'maxpool2d: {kernel: 2}', 'flatten', 'dense: {units: 9}', 'relu', 'dense: {units: 3}']);
    const plain = instantiate(compiled(programOf(yaml)), { maxBatch: 3, seed: 5 });
    const fusedProgram = programOf(yaml);
    expect(fuseActivations(fusedProgram)).toBe(2);
    const fused = instantiate(compiled(fusedProgram), { maxBatch: 3, seed: 5 });
    const x = Float32Array.from({ length: 3 * 60 }, (_, i) => Math.sin(i * 1.7));
    const y = Float32Array.of(0, 2, 1);
    expect(Array.from(fused.forward(x, 3))).toEqual(Array.from(plain.forward(x, 3)));
    expect(fused.computeGradients(x, y, 3)).toBe(plain.computeGradients(x, y, 3));
    for (const { name } of fusedProgram.params) {
      expect(Array.from(fused.grad(name))).toEqual(Array.from(plain.grad(name)));
    }
  });
});
