// The loop vectorizer: an innermost IR loop runs four iterations per f32x4 step when every
// store is contiguous in the loop variable, loads are contiguous, uniform (splat) or strided
// (gathered), ifs test uniform conditions, and every outer local it sets is a +/max/min
// reduction. Accesses to a stored buffer must be the same element or lie a whole trip count
// apart (so no iteration reads what another writes). The remainder runs the scalar loop.
import type { Expr, Stmt } from '../ir/kernel.js';
import { typeOf } from '../ir/kernel.js';
import { F32, FnCtx, I32, V128, type Ref } from './wasm-ctx.js';
import { countedLoop, renderStmts } from './wasm-stmt.js';

type ForStmt = Extract<Stmt, { k: 'for' }>;

/** index = Σ coef·atom + konst, with the loop variable as the atom ''. */
interface Linear {
  terms: Map<string, number>;
  konst: number;
}

function linear(e: Expr, v: string, varying: Set<string>): Linear | undefined {
  switch (e.k) {
    case 'i':
      return { terms: new Map(), konst: e.v };
    case 'var':
      if (e.name === v) return { terms: new Map([['', 1]]), konst: 0 };
      if (varying.has(e.name)) return undefined;
      return { terms: new Map([[`v:${e.name}`, 1]]), konst: 0 };
    case 'bin': {
      if (e.ty !== 'i32') return undefined;
      const a = linear(e.a, v, varying);
      const b = linear(e.b, v, varying);
      if (!a || !b) return undefined;
      if (e.op === '+' || e.op === '-') {
        const sign = e.op === '+' ? 1 : -1;
        const terms = new Map(a.terms);
        for (const [k, c] of b.terms) terms.set(k, (terms.get(k) ?? 0) + sign * c);
        return { terms, konst: a.konst + sign * b.konst };
      }
      if (e.op === '*') {
        const [x, y] = a.terms.size === 0 ? [b, a] : [a, b];
        if (y.terms.size === 0) {
          const terms = new Map([...x.terms].map(([k, c]) => [k, c * y.konst] as [string, number]));
          return { terms, konst: x.konst * y.konst };
        }
      }
      if (usesAny(e, new Set([v, ...varying]))) return undefined;
      return { terms: new Map([[`e:${JSON.stringify(e)}`, 1]]), konst: 0 };
    }
    default:
      if (usesAny(e, new Set([v, ...varying]))) return undefined;
      return { terms: new Map([[`e:${JSON.stringify(e)}`, 1]]), konst: 0 };
  }
}

const coefOf = (l: Linear) => l.terms.get('') ?? 0;

/** a − b when it is a constant. */
function constDiff(a: Linear, b: Linear): number | undefined {
  const keys = new Set([...a.terms.keys(), ...b.terms.keys()]);
  for (const k of keys) if ((a.terms.get(k) ?? 0) !== (b.terms.get(k) ?? 0)) return undefined;
  return a.konst - b.konst;
}

function usesAny(e: Expr, names: Set<string>): boolean {
  switch (e.k) {
    case 'var': return names.has(e.name);
    case 'load': return usesAny(e.idx, names);
    case 'bin': case 'cmp': case 'and': return usesAny(e.a, names) || usesAny(e.b, names);
    case 'un': case 'cvt': return usesAny(e.a, names);
    case 'sel': return usesAny(e.c, names) || usesAny(e.a, names) || usesAny(e.b, names);
    default: return false;
  }
}

interface Access { buf: string; lin: Linear; store: boolean }
interface Reduction { name: string; op: '+' | 'max' | 'min'; value: Expr }

interface Analysis {
  varying: Set<string>;
  reductions: Reduction[];
}

function analyze(s: ForStmt): Analysis | undefined {
  const v = s.v;
  const lets = new Set<string>();
  let ok = true;
  const walk = (body: Stmt[], f: (st: Stmt, top: boolean) => void, top = true) => {
    for (const st of body) {
      f(st, top);
      if (st.k === 'if') { walk(st.then, f, false); walk(st.else, f, false); }
    }
  };
  walk(s.body, (st) => {
    if (st.k === 'for' || st.k === 'gemm') ok = false;
    if (st.k === 'let') lets.add(st.name);
  });
  if (!ok) return undefined;
  // Inner locals become vectors when any assignment to them varies (to a fixpoint).
  const varying = new Set<string>();
  const isVar = (e: Expr) => usesAny(e, new Set([v, ...varying])) || hasVaryingLoad(e);
  const hasVaryingLoad = (e: Expr): boolean => {
    switch (e.k) {
      case 'load': return usesAny(e.idx, new Set([v, ...varying])) || hasVaryingLoad(e.idx);
      case 'bin': case 'cmp': case 'and': return hasVaryingLoad(e.a) || hasVaryingLoad(e.b);
      case 'un': case 'cvt': return hasVaryingLoad(e.a);
      case 'sel': return hasVaryingLoad(e.c) || hasVaryingLoad(e.a) || hasVaryingLoad(e.b);
      default: return false;
    }
  };
  for (let changed = true; changed;) {
    changed = false;
    walk(s.body, (st) => {
      if ((st.k === 'let' || (st.k === 'set' && lets.has(st.name))) && !varying.has(st.name) && isVar(st.value)) {
        varying.add(st.name);
        changed = true;
      }
    });
  }
  const reductions: Reduction[] = [];
  const accesses: Access[] = [];
  const noteLoads = (e: Expr): void => {
    switch (e.k) {
      case 'load': {
        const lin = linear(e.idx, v, varying);
        if (!lin) ok = false;
        else accesses.push({ buf: e.buf, lin, store: false });
        noteLoads(e.idx);
        return;
      }
      case 'bin': case 'cmp': case 'and': noteLoads(e.a); noteLoads(e.b); return;
      case 'un': case 'cvt': noteLoads(e.a); return;
      case 'sel': noteLoads(e.c); noteLoads(e.a); noteLoads(e.b); return;
    }
  };
  walk(s.body, (st, top) => {
    switch (st.k) {
      case 'store': {
        const lin = linear(st.idx, v, varying);
        if (!lin || coefOf(lin) !== 1) ok = false;
        else accesses.push({ buf: st.buf, lin, store: true });
        noteLoads(st.idx);
        noteLoads(st.value);
        break;
      }
      case 'let': noteLoads(st.value); break;
      case 'set':
        noteLoads(st.value);
        if (!lets.has(st.name)) {
          const e = st.value;
          const self = (x: Expr) => x.k === 'var' && x.name === st.name;
          if (!top || e.k !== 'bin' || e.ty !== 'f32' || !(e.op === '+' || e.op === 'max' || e.op === 'min')) { ok = false; break; }
          const other = self(e.a) ? e.b : self(e.b) ? e.a : undefined;
          if (!other || usesAny(other, new Set([st.name])) || reductions.some((r) => r.name === st.name)) { ok = false; break; }
          reductions.push({ name: st.name, op: e.op, value: other });
        }
        break;
      case 'if':
        noteLoads(st.c);
        if (isVar(st.c)) ok = false;
        break;
    }
  });
  if (!ok) return undefined;
  // a reduction's accumulator may not be read anywhere else in the loop
  const accNames = new Set(reductions.map((r) => r.name));
  let reads = 0;
  const countReads = (e: Expr) => { if (usesAny(e, accNames)) reads++; };
  walk(s.body, (st) => {
    if (st.k === 'store') { countReads(st.idx); countReads(st.value); }
    if (st.k === 'let') countReads(st.value);
    if (st.k === 'if') countReads(st.c);
    if (st.k === 'set') countReads(st.value);
  });
  if (reads !== reductions.length) return undefined;
  const trip = s.from.k === 'i' && s.to.k === 'i' ? s.to.v - s.from.v : undefined;
  for (const st of accesses.filter((a) => a.store)) {
    for (const a of accesses.filter((x) => x.buf === st.buf)) {
      if (coefOf(a.lin) !== 1) return undefined;
      const d = constDiff(a.lin, st.lin);
      if (d === undefined) return undefined;
      if (d !== 0 && (trip === undefined || Math.abs(d) < trip)) return undefined;
    }
  }
  return { varying, reductions };
}

class VecRender {
  constructor(private c: FnCtx, private s: ForStmt, private a: Analysis, private j: number) {}

  private get m() { return this.c.m; }

  varies(e: Expr): boolean {
    const names = new Set([this.s.v, ...this.a.varying]);
    return usesAny(e, names);
  }

  splat(e: Expr): Ref {
    return typeOf(e) === 'i32' ? this.m.i32x4.splat(this.c.expr(e)) : this.m.f32x4.splat(this.c.expr(e));
  }

  /** A varying (or splat uniform) value: f32x4, or i32x4 for integers (comparisons give 0/1). */
  vec(e: Expr): Ref {
    const m = this.m;
    if (!this.varies(e)) return this.splat(e);
    switch (e.k) {
      case 'var': {
        if (e.name === this.s.v) return m.i32x4.add(m.i32x4.splat(m.local.get(this.j, I32)), m.v128.const([0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]));
        const l = this.c.lookup(e.name)!;
        return m.local.get(l.index, l.ty);
      }
      case 'load': return this.load(e);
      case 'bin': {
        const a = this.vec(e.a);
        const b = this.vec(e.b);
        if (e.ty === 'i32') {
          const ops = { '+': m.i32x4.add, '-': m.i32x4.sub, '*': m.i32x4.mul, max: m.i32x4.max_s, min: m.i32x4.min_s } as Record<string, (x: Ref, y: Ref) => Ref>;
          if (!ops[e.op]) throw new Error('internal: wasm-vec: i32 division');
          return ops[e.op](a, b);
        }
        const ops = { '+': m.f32x4.add, '-': m.f32x4.sub, '*': m.f32x4.mul, '/': m.f32x4.div, max: m.f32x4.max, min: m.f32x4.min };
        return ops[e.op](a, b);
      }
      case 'un': {
        const a = this.vec(e.a);
        switch (e.op) {
          case 'neg': return m.f32x4.neg(a);
          case 'abs': return m.f32x4.abs(a);
          case 'sqrt': return m.f32x4.sqrt(a);
          default: return m.call(`v${e.op}`, [a], V128);
        }
      }
      case 'cmp': case 'and': return m.i32x4.neg(this.mask(e));
      case 'sel': return m.v128.bitselect(this.vec(e.a), this.vec(e.b), this.mask(e.c));
      case 'cvt':
        if (e.to === typeOf(e.a)) return this.vec(e.a);
        return e.to === 'i32' ? m.i32x4.trunc_sat_f32x4_s(this.vec(e.a)) : m.f32x4.convert_i32x4_s(this.vec(e.a));
    }
    throw new Error(`internal: wasm-vec: ${e.k}`);
  }

  /** All-ones lanes where a condition holds. */
  mask(e: Expr): Ref {
    const m = this.m;
    if (!this.varies(e)) return m.i32x4.splat(m.i32.sub(m.i32.const(0), this.c.cond(e)));
    if (e.k === 'and') return m.v128.and(this.mask(e.a), this.mask(e.b));
    if (e.k === 'cmp') {
      const a = this.vec(e.a);
      const b = this.vec(e.b);
      if (typeOf(e.a) === 'i32') {
        const ops = { '<': m.i32x4.lt_s, '<=': m.i32x4.le_s, '>': m.i32x4.gt_s, '>=': m.i32x4.ge_s, '==': m.i32x4.eq, '!=': m.i32x4.ne };
        return ops[e.op](a, b);
      }
      const ops = { '<': m.f32x4.lt, '<=': m.f32x4.le, '>': m.f32x4.gt, '>=': m.f32x4.ge, '==': m.f32x4.eq, '!=': m.f32x4.ne };
      return ops[e.op](a, b);
    }
    if (typeOf(e) === 'i32') return m.i32x4.ne(this.vec(e), m.i32x4.splat(m.i32.const(0)));
    return m.f32x4.ne(this.vec(e), m.f32x4.splat(m.f32.const(0)));
  }

  load(e: Extract<Expr, { k: 'load' }>): Ref {
    const m = this.m;
    const lin = linear(e.idx, this.s.v, this.a.varying)!;
    const coef = coefOf(lin);
    const [p, off] = this.c.addr(e.buf, e.idx);
    if (coef === 1) return m.v128.load(off, 4, p);
    // strided: gather four lanes from one pointer
    const ptr = this.c.temp(I32);
    let v = m.f32x4.splat(m.f32.load(0, 4, m.local.tee(ptr, off === 0 ? p : m.i32.add(p, m.i32.const(off)), I32)));
    for (let k = 1; k < 4; k++) {
      const d = 4 * coef * k;
      const at = d >= 0 ? m.f32.load(d, 4, m.local.get(ptr, I32)) : m.f32.load(0, 4, m.i32.add(m.local.get(ptr, I32), m.i32.const(d)));
      v = m.f32x4.replace_lane(v, k, at);
    }
    return v;
  }

  stmts(body: Stmt[], accs: Map<string, number>): Ref[] {
    const m = this.m;
    const out: Ref[] = [];
    for (const st of body) {
      switch (st.k) {
        case 'store': {
          const [p, off] = this.c.addr(st.buf, st.idx);
          let value = this.vec(st.value);
          if (st.acc) {
            const [p2, off2] = this.c.addr(st.buf, st.idx);
            value = m.f32x4.add(m.v128.load(off2, 4, p2), value);
          }
          out.push(m.v128.store(off, 4, p, value));
          break;
        }
        case 'let':
        case 'set': {
          const acc = accs.get(st.name);
          if (acc !== undefined) {
            const r = this.a.reductions.find((x) => x.name === st.name)!;
            const ops = { '+': m.f32x4.add, max: m.f32x4.max, min: m.f32x4.min };
            out.push(m.local.set(acc, ops[r.op](m.local.get(acc, V128), this.vec(r.value))));
            break;
          }
          const l = this.c.lookup(st.name);
          if (this.a.varying.has(st.name)) out.push(m.local.set(l!.index, this.vec(st.value)));
          else out.push(m.local.set(st.k === 'let' ? this.c.named(st.name, st.ty) : l!.index, this.c.expr(st.value)));
          break;
        }
        case 'if':
          out.push(m.if(this.c.cond(st.c), m.block(null, this.stmts(st.then, accs)), st.else.length ? m.block(null, this.stmts(st.else, accs)) : undefined));
          break;
      }
    }
    return out;
  }
}

/** The vectorized loop followed by its scalar remainder, or undefined when the loop does not qualify. */
export function tryVectorize(c: FnCtx, s: ForStmt): Ref | undefined {
  if (s.from.k === 'i' && s.to.k === 'i' && s.to.v - s.from.v < 4) return undefined;
  const a = analyze(s);
  if (!a) return undefined;
  const m = c.m;
  const j = c.named(s.v, 'i32');
  // vector locals for varying lets, saving the scalar bindings for the remainder loop
  const saved = new Map<string, { index: number; ty: number } | undefined>();
  for (const name of a.varying) {
    saved.set(name, c.lookup(name));
    c.bind(name, c.temp(V128), V128);
  }
  const accs = new Map<string, number>();
  const pre: Ref[] = [];
  const post: Ref[] = [];
  for (const r of a.reductions) {
    const acc = c.temp(V128);
    accs.set(r.name, acc);
    const scalar = c.lookup(r.name)!;
    pre.push(m.local.set(acc, r.op === '+' ? m.f32x4.splat(m.f32.const(0)) : m.f32x4.splat(m.local.get(scalar.index, F32))));
    const lane = (i: number) => m.f32x4.extract_lane(m.local.get(acc, V128), i);
    const op = r.op === '+' ? m.f32.add : r.op === 'max' ? m.f32.max : m.f32.min;
    const folded = op(op(lane(0), lane(1)), op(lane(2), lane(3)));
    post.push(m.local.set(scalar.index, r.op === '+' ? m.f32.add(m.local.get(scalar.index, F32), folded) : op(m.local.get(scalar.index, F32), folded)));
  }
  const body = new VecRender(c, s, a, j).stmts(s.body, accs);
  for (const [name, prev] of saved) {
    if (prev) c.bind(name, prev.index, prev.ty);
    else c.bind(name, c.temp(F32), F32);
  }
  const brk = c.label('vB');
  const top = c.label('vL');
  const fits = () => m.i32.le_s(m.i32.add(m.local.get(j, I32), m.i32.const(4)), c.expr(s.to));
  const vecLoop = m.block(brk, [
    m.local.set(j, c.expr(s.from)),
    m.br(brk, m.i32.eqz(fits())),
    m.loop(top, m.block(null, [...body, m.local.set(j, m.i32.add(m.local.get(j, I32), m.i32.const(4))), m.br(top, fits())])),
  ]);
  // the remainder: the scalar loop continuing from j
  const scalarBody = renderStmts(c, s.body);
  const rest = countedLoop(c, j, m.local.get(j, I32), () => c.expr(s.to), scalarBody);
  const exact = s.from.k === 'i' && s.to.k === 'i' && (s.to.v - s.from.v) % 4 === 0;
  return m.block(null, [...pre, vecLoop, ...post, ...(exact ? [] : [rest])]);
}
