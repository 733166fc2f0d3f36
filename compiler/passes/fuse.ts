// Fusion on the lowered program, before memory planning: an elementwise ReLU kernel,
// y2[j] = max(y1[j], 0) over the whole buffer, whose input y1 is written by exactly one GEMM
// per pass (C = y1, not accumulating) and read by nothing else, becomes that GEMM's epilogue.
// The GEMM then writes relu(·) straight into y2 and the ReLU kernel is left empty. Backward
// is unchanged: ReLU's gradient reads its output y2, which holds the same values. Ops know
// nothing of this; it matches kernel IR only.
import type { Expr, Gemm, Stmt } from '../ir/kernel.js';
import type { Program } from './lower.js';

interface Relu {
  src: string;
  dst: string;
}

const isVar = (e: Expr, name: string) => e.k === 'var' && e.name === name;

/** The body `for (j…) dst[j] = max(src[j], 0)` (src and dst of equal size), or undefined. */
function matchRelu(body: Stmt[], program: Program): Relu | undefined {
  if (body.length !== 1 || body[0].k !== 'for') return undefined;
  const loop = body[0];
  if (loop.from.k !== 'i' || loop.from.v !== 0 || loop.body.length !== 1) return undefined;
  const st = loop.body[0];
  if (st.k !== 'store' || st.acc || !isVar(st.idx, loop.v)) return undefined;
  const v = st.value;
  if (v.k !== 'bin' || v.op !== 'max' || v.ty !== 'f32' || v.b.k !== 'f' || v.b.v !== 0) return undefined;
  if (v.a.k !== 'load' || !isVar(v.a.idx, loop.v) || v.a.buf === st.buf) return undefined;
  const a = program.buffers.get(v.a.buf);
  const b = program.buffers.get(st.buf);
  if (!a || !b || a.size !== b.size || a.batched !== b.batched) return undefined;
  return { src: v.a.buf, dst: st.buf };
}

/** Every place a buffer is named: loads, stores, GEMM operands. */
function references(body: Stmt[], buf: string, out: { gemms: Gemm[]; other: number }): void {
  const expr = (e: Expr): void => {
    switch (e.k) {
      case 'load': if (e.buf === buf) out.other++; expr(e.idx); return;
      case 'bin': case 'cmp': case 'and': expr(e.a); expr(e.b); return;
      case 'un': case 'cvt': expr(e.a); return;
      case 'sel': expr(e.c); expr(e.a); expr(e.b); return;
    }
  };
  for (const s of body) {
    switch (s.k) {
      case 'for': expr(s.from); expr(s.to); references(s.body, buf, out); break;
      case 'if': expr(s.c); references(s.then, buf, out); references(s.else, buf, out); break;
      case 'store': if (s.buf === buf) out.other++; expr(s.idx); expr(s.value); break;
      case 'let': case 'set': expr(s.value); break;
      case 'gemm': {
        const g = s.g;
        if (g.C.buf === buf && !g.accumulate && !g.activation && g.A.buf !== buf && g.B.buf !== buf) out.gemms.push(g);
        else if ([g.A.buf, g.B.buf, g.C.buf, g.bias?.buf].includes(buf)) out.other++;
        break;
      }
    }
  }
}

/** Fuses ReLU kernels into the GEMMs producing their input, in place; returns how many. */
export function fuseActivations(program: Program): number {
  const external = new Set([program.input, program.output, program.target, program.loss, program.inputGrad,
    ...program.blocks.flatMap((b) => [b.input, b.output])]);
  let fused = 0;
  const relus = new Map<string, Relu>();
  for (const pass of program.passes) {
    for (const call of pass.calls) {
      const r = matchRelu(call.body, program);
      if (r && !external.has(r.src)) relus.set(r.src, r);
    }
  }
  for (const r of relus.values()) {
    // per pass: the ReLU kernel reading src, and exactly one GEMM writing all of src before it
    const plan: { gemm: Gemm; empty: () => void }[] = [];
    let ok = true;
    for (const pass of program.passes) {
      const gemms: Gemm[] = [];
      let other = 0;
      let reluAt = -1;
      pass.calls.forEach((call, i) => {
        const m = matchRelu(call.body, program);
        if (m && m.src === r.src && m.dst === r.dst) {
          if (reluAt >= 0 || gemms.length !== 1) ok = false;
          reluAt = i;
          plan.push({ gemm: gemms[0], empty: () => { call.body.length = 0; } });
          return;
        }
        const refs = { gemms: [] as Gemm[], other: 0 };
        references(call.body, r.src, refs);
        if (reluAt >= 0 && (refs.gemms.length > 0 || refs.other > 0)) ok = false;
        gemms.push(...refs.gemms);
        other += refs.other;
      });
      if (other > 0 || (reluAt < 0 && gemms.length > 0)) ok = false;
    }
    if (!ok || plan.length === 0) continue;
    for (const { gemm, empty } of plan) {
      gemm.C = { ...gemm.C, buf: r.dst };
      gemm.activation = 'relu';
      empty();
    }
    // dst is now written where src was
    const src = program.buffers.get(r.src)!;
    const dst = program.buffers.get(r.dst)!;
    dst.live = [[Math.min(dst.live[0][0], src.live[0][0]), Math.max(dst.live[0][1], src.live[0][1])]];
    fused++;
  }
  return fused;
}
