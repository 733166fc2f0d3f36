// Kernel IR statements as wasm: loops with i32 counters (constant bounds stay constants),
// stores, locals, ifs; innermost loops go to the vectorizer first, GEMMs to the generator.
import type { Stmt } from '../ir/kernel.js';
import { FnCtx, I32, type Ref } from './wasm-ctx.js';
import { renderGemm } from './wasm-gemm.js';
import { tryVectorize } from './wasm-vec.js';

/** for (v = from; v < to; v++) body — with the bound check skipped when both ends are constant. */
export function countedLoop(c: FnCtx, v: number, from: Ref, to: () => Ref, body: Ref[], step = 1, knownNonEmpty = false): Ref {
  const m = c.m;
  const brk = c.label('B');
  const top = c.label('L');
  const inc = m.local.set(v, m.i32.add(m.local.get(v, I32), m.i32.const(step)));
  const loop = m.loop(top, m.block(null, [...body, inc, m.br(top, m.i32.lt_s(m.local.get(v, I32), to()))]));
  const init = m.local.set(v, from);
  if (knownNonEmpty) return m.block(null, [init, loop]);
  return m.block(brk, [init, m.br(brk, m.i32.ge_s(m.local.get(v, I32), to())), loop]);
}

export function renderStmts(c: FnCtx, body: Stmt[]): Ref[] {
  const out: Ref[] = [];
  for (const s of body) {
    const r = renderStmt(c, s);
    if (r !== undefined) out.push(r);
  }
  return out;
}

function renderStmt(c: FnCtx, s: Stmt): Ref | undefined {
  const m = c.m;
  switch (s.k) {
    case 'comment':
      return undefined;
    case 'for': {
      const vec = tryVectorize(c, s);
      if (vec !== undefined) return vec;
      const v = c.named(s.v, 'i32');
      const known = s.from.k === 'i' && s.to.k === 'i' && s.from.v < s.to.v;
      if (s.from.k === 'i' && s.to.k === 'i' && s.from.v >= s.to.v) return undefined;
      return countedLoop(c, v, c.expr(s.from), () => c.expr(s.to), renderStmts(c, s.body), 1, known);
    }
    case 'store': {
      const value = s.acc ? m.f32.add(c.load(s.buf, s.idx), c.expr(s.value)) : c.expr(s.value);
      return c.store(s.buf, s.idx, value);
    }
    case 'let':
      return m.local.set(c.named(s.name, s.ty), c.expr(s.value));
    case 'set': {
      const l = c.lookup(s.name);
      if (!l) throw new Error(`internal: wasm: set of unbound ${s.name}`);
      return m.local.set(l.index, c.expr(s.value));
    }
    case 'if': {
      const t = renderStmts(c, s.then);
      const e = renderStmts(c, s.else);
      return m.if(c.cond(s.c), m.block(null, t), e.length > 0 ? m.block(null, e) : undefined);
    }
    case 'gemm':
      return renderGemm(c, s.g);
  }
}
