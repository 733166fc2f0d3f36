// Memory planning: one arena. Fixed buffers first (parameters, then their gradients, each
// group contiguous so the optimizer makes one pass; optimizer state; the loss), then the
// batched buffers, planned in per-sample units so every offset is fixed + perSample·maxBatch.
// Buffers whose live intervals do not overlap share memory (greedy, largest first).
import type { BufferDecl, Program } from './lower.js';

/** Where a buffer lives: element offset = fixed + perSample·maxBatch. */
export interface Placement {
  fixed: number;
  perSample: number;
}

export interface MemoryPlan {
  placement: Map<string, Placement>;
  /** Arena elements = fixed + perSample·maxBatch. */
  fixed: number;
  perSample: number;
  params: { offset: number; size: number };
  grads: { offset: number; size: number };
  /** Room for the optimizer's state: `optimizerSlots` vectors of `params.size` elements. */
  optimizerState: { offset: number; slots: number };
}

const ALIGN = 4; // elements: 16 bytes, one SIMD vector

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

function overlaps(a: BufferDecl, b: BufferDecl): boolean {
  return a.live.some(([a0, a1]) => b.live.some(([b0, b1]) => a0 <= b1 && b0 <= a1));
}

/** Greedy first fit: each buffer goes at the lowest offset free of every live-overlapping buffer. */
function pack(buffers: BufferDecl[], base: number): { offsets: Map<string, number>; end: number } {
  const order = [...buffers].sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
  const placed: { decl: BufferDecl; at: number; size: number }[] = [];
  const offsets = new Map<string, number>();
  let end = base;
  for (const decl of order) {
    const sz = align(decl.size);
    const busy = placed.filter((p) => overlaps(p.decl, decl)).sort((a, b) => a.at - b.at);
    let at = base;
    for (const p of busy) {
      if (at + sz <= p.at) break;
      at = Math.max(at, p.at + p.size);
    }
    placed.push({ decl, at, size: sz });
    offsets.set(decl.name, at);
    end = Math.max(end, at + sz);
  }
  return { offsets, end };
}

export function optimizerSlots(program: Program): number {
  const o = program.optimizer;
  if (!o) return 0;
  if (o.kind === 'adam') return 2;
  return (o.momentum as number) > 0 ? 1 : 0;
}

export function planMemory(program: Program): MemoryPlan {
  const placement = new Map<string, Placement>();
  let at = 0;
  const P = program.params.reduce((a, p) => a + program.buffers.get(p.buffer)!.size, 0);
  const params = { offset: 0, size: P };
  for (const p of program.params) {
    placement.set(p.buffer, { fixed: at, perSample: 0 });
    at += program.buffers.get(p.buffer)!.size;
  }
  at = align(at);
  const grads = { offset: at, size: P };
  for (const p of program.params) {
    placement.set(p.grad, { fixed: at, perSample: 0 });
    at += program.buffers.get(p.grad)!.size;
  }
  at = align(at);
  const slots = optimizerSlots(program);
  const optimizerState = { offset: at, slots };
  at = align(at + slots * P);
  const rest = [...program.buffers.values()].filter((b) => b.kind !== 'param' && b.kind !== 'grad');
  const fixed = pack(rest.filter((b) => !b.batched), at);
  for (const [name, off] of fixed.offsets) placement.set(name, { fixed: off, perSample: 0 });
  const fixedEnd = align(fixed.end);
  const batched = pack(rest.filter((b) => b.batched), 0);
  for (const [name, off] of batched.offsets) placement.set(name, { fixed: fixedEnd, perSample: off });
  return { placement, fixed: fixedEnd, perSample: batched.end, params, grads, optimizerState };
}

export function arenaBytes(plan: MemoryPlan, maxBatch: number, bytesPerElement = 4): number {
  return (plan.fixed + plan.perSample * maxBatch) * bytesPerElement;
}
