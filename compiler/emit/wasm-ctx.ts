// One wasm function being built from kernel IR: its locals, where each arena buffer starts
// (a constant for fixed buffers, a local computed once at entry for batched ones, since
// maxBatch is chosen at instantiation), and scalar expressions in binaryen form.
import binaryen from 'binaryen';
import { typeOf, type Expr, type Ty } from '../ir/kernel.js';
import type { MemoryPlan } from '../passes/memory.js';

export type Ref = number;
export const I32 = binaryen.i32;
export const F32 = binaryen.f32;
export const F64 = binaryen.f64;
export const V128 = binaryen.v128;

/** What every function of a module shares: the module, the plan, and where the arena starts. */
export interface ModuleEnv {
  m: binaryen.Module;
  plan: MemoryPlan;
  /** Byte offset of the arena in memory (scratch for GEMM packing lies below it). */
  arenaBase: number;
  relaxed: boolean;
  /** Bytes of scratch memory the GEMMs need (grown while emitting). */
  scratchBytes: number;
}

/** Split an integer expression into (dynamic part, constant) so constants fold into memarg offsets. */
export function splitConst(e: Expr): [Expr | undefined, number] {
  if (e.k === 'i') return [undefined, e.v];
  if (e.k === 'bin' && e.op === '+' && e.ty === 'i32') {
    const [a, ca] = splitConst(e.a);
    const [b, cb] = splitConst(e.b);
    if (a === undefined) return [b, ca + cb];
    if (b === undefined) return [a, ca + cb];
    return [{ k: 'bin', op: '+', a, b, ty: 'i32' }, ca + cb];
  }
  if (e.k === 'bin' && e.op === '-' && e.ty === 'i32' && e.b.k === 'i') {
    const [a, ca] = splitConst(e.a);
    return [a, ca - e.b.v];
  }
  return [e, 0];
}

export class FnCtx {
  readonly m: binaryen.Module;
  readonly vars: number[] = [];
  private names = new Map<string, { index: number; ty: number }>();
  private bases = new Map<string, number>();
  readonly prologue: Ref[] = [];
  private labels = 0;

  constructor(readonly env: ModuleEnv, readonly params: number[]) {
    this.m = env.m;
  }

  /** A fresh local of a binaryen type. */
  temp(ty: number): number {
    this.vars.push(ty);
    return this.params.length + this.vars.length - 1;
  }

  label(base: string): string {
    return `${base}${this.labels++}`;
  }

  /** The local bound to an IR name (loop variables, lets), created on first use. */
  named(name: string, ty: Ty | number): number {
    const t = typeof ty === 'number' ? ty : ty === 'i32' ? I32 : F32;
    const prev = this.names.get(name);
    if (prev && prev.ty === t) return prev.index;
    const index = name === 'n' && t === I32 ? 0 : this.temp(t);
    this.names.set(name, { index, ty: t });
    return index;
  }

  /** Rebind an IR name to another local (the vectorizer maps lets to vector locals). */
  bind(name: string, index: number, ty: number): void {
    this.names.set(name, { index, ty });
  }

  lookup(name: string): { index: number; ty: number } | undefined {
    return this.names.get(name);
  }

  /** Byte address of a buffer's element 0: a constant, or a local set at function entry. */
  base(buf: string): { konst: number } | { local: number } {
    const p = this.env.plan.placement.get(buf);
    if (!p) throw new Error(`internal: buffer ${buf} has no placement`);
    const fixedBytes = this.env.arenaBase + p.fixed * 4;
    if (p.perSample === 0) return { konst: fixedBytes };
    let l = this.bases.get(buf);
    if (l === undefined) {
      l = this.temp(I32);
      this.bases.set(buf, l);
      const m = this.m;
      this.prologue.push(m.local.set(l, m.i32.add(m.i32.const(fixedBytes), m.i32.mul(m.global.get('maxBatch', I32), m.i32.const(p.perSample * 4)))));
    }
    return { local: l };
  }

  /** (pointer expression, memarg offset) of buf[idx]. */
  addr(buf: string, idx: Expr): [Ref, number] {
    const m = this.m;
    const b = this.base(buf);
    const [dyn, c] = splitConst(idx);
    const scaled = dyn === undefined ? undefined : m.i32.shl(this.expr(dyn), m.i32.const(2));
    if ('konst' in b) {
      const total = b.konst + c * 4;
      if (scaled === undefined) return [m.i32.const(total), 0];
      if (total >= 0) return [scaled, total];
      return [m.i32.add(scaled, m.i32.const(total)), 0];
    }
    const baseRef = m.local.get(b.local, I32);
    const ptr = scaled === undefined ? baseRef : m.i32.add(baseRef, scaled);
    if (c >= 0) return [ptr, c * 4];
    return [m.i32.add(ptr, m.i32.const(c * 4)), 0];
  }

  /** Byte address as one expression (for GEMM base pointers). */
  addrExpr(buf: string, idx: Expr): Ref {
    const [p, off] = this.addr(buf, idx);
    return off === 0 ? p : this.m.i32.add(p, this.m.i32.const(off));
  }

  load(buf: string, idx: Expr): Ref {
    const [p, off] = this.addr(buf, idx);
    return this.m.f32.load(off, 4, p);
  }

  store(buf: string, idx: Expr, value: Ref): Ref {
    const [p, off] = this.addr(buf, idx);
    return this.m.f32.store(off, 4, p, value);
  }

  /** A scalar IR expression. */
  expr(e: Expr): Ref {
    const m = this.m;
    switch (e.k) {
      case 'i':
        return m.i32.const(e.v | 0);
      case 'f':
        return m.f32.const(e.v);
      case 'var': {
        const l = this.lookup(e.name);
        if (!l) throw new Error(`internal: wasm: unbound ${e.name}`);
        return m.local.get(l.index, l.ty);
      }
      case 'load':
        return this.load(e.buf, e.idx);
      case 'bin': {
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        if (e.ty === 'i32') {
          switch (e.op) {
            case '+': return m.i32.add(a, b);
            case '-': return m.i32.sub(a, b);
            case '*': return m.i32.mul(a, b);
            case '/': return m.i32.div_s(a, b);
            case 'max':
            case 'min': {
              const ta = this.temp(I32);
              const tb = this.temp(I32);
              const cmp = e.op === 'max' ? m.i32.gt_s : m.i32.lt_s;
              return m.block(null, [
                m.local.set(ta, a), m.local.set(tb, b),
                m.select(cmp(m.local.get(ta, I32), m.local.get(tb, I32)), m.local.get(ta, I32), m.local.get(tb, I32)),
              ], I32);
            }
          }
        }
        switch (e.op) {
          case '+': return m.f32.add(a, b);
          case '-': return m.f32.sub(a, b);
          case '*': return m.f32.mul(a, b);
          case '/': return m.f32.div(a, b);
          case 'max': return m.f32.max(a, b);
          case 'min': return m.f32.min(a, b);
        }
        break;
      }
      case 'un': {
        const a = this.expr(e.a);
        switch (e.op) {
          case 'neg': return m.f32.neg(a);
          case 'abs': return m.f32.abs(a);
          case 'sqrt': return m.f32.sqrt(a);
          default: return m.call(`${e.op}f`, [a], F32);
        }
      }
      case 'cmp': {
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        if (typeOf(e.a) === 'i32') {
          const ops = { '<': m.i32.lt_s, '<=': m.i32.le_s, '>': m.i32.gt_s, '>=': m.i32.ge_s, '==': m.i32.eq, '!=': m.i32.ne };
          return ops[e.op](a, b);
        }
        const ops = { '<': m.f32.lt, '<=': m.f32.le, '>': m.f32.gt, '>=': m.f32.ge, '==': m.f32.eq, '!=': m.f32.ne };
        return ops[e.op](a, b);
      }
      case 'and':
        return m.i32.and(this.cond(e.a), this.cond(e.b));
      case 'sel':
        return m.select(this.cond(e.c), this.expr(e.a), this.expr(e.b));
      case 'cvt':
        if (e.to === 'i32') return typeOfExpr(e.a) === 'i32' ? this.expr(e.a) : m.i32.trunc_s_sat.f32(this.expr(e.a));
        return typeOfExpr(e.a) === 'f32' ? this.expr(e.a) : m.f32.convert_s.i32(this.expr(e.a));
    }
    throw new Error(`internal: wasm: cannot render ${JSON.stringify(e)}`);
  }

  /** An expression in boolean position: an i32 that is non-zero when true. */
  cond(e: Expr): Ref {
    if (e.k === 'cmp' || e.k === 'and' || typeOfExpr(e) === 'i32') return this.expr(e);
    return this.m.f32.ne(this.expr(e), this.m.f32.const(0));
  }
}

export const typeOfExpr = typeOf;
