// The loop vectorizer: an IR loop runs four iterations per f32x4 step when every store is
// contiguous in the loop variable, loads are contiguous, uniform (splat) or strided
// (gathered), and every outer local it sets is a +/max/min reduction. Ifs on uniform
// conditions stay branches; ifs on varying conditions that only assign locals are
// if-converted (masked bitselects). Inner loops of at most MAX_INNER constant iterations
// (pooling windows) may assign locals but not store. Accesses to a stored buffer must be the
// same element or lie a whole trip count apart (so no iteration reads what another writes).
// The remainder runs the scalar loop, or, when recomputing lanes is harmless (no reductions,
// no accumulating stores, no stored buffer read), one vector step ending at the last iteration.
import type { Expr, Stmt } from '../ir/kernel.js';
import { typeOf } from '../ir/kernel.js';
import { F32, FnCtx, I32, V128, type Ref } from './wasm-ctx.js';
import { countedLoop, renderStmts } from './wasm-stmt.js';
import { analyze, coefOf, linear, usesAny, type Analysis, type ForStmt } from './wasm-vec-analyze.js';

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

  /** Statements as vector code; under `mask` (a local: lanes where the enclosing varying ifs hold) assignments are bitselects. */
  stmts(body: Stmt[], accs: Map<string, number>, mask?: number): Ref[] {
    const m = this.m;
    const out: Ref[] = [];
    const masked = (local: number, value: Ref) =>
      m.local.set(local, mask === undefined ? value : m.v128.bitselect(value, m.local.get(local, V128), m.local.get(mask, V128)));
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
          if (this.a.varying.has(st.name)) out.push(masked(l!.index, this.vec(st.value)));
          else out.push(m.local.set(st.k === 'let' ? this.c.named(st.name, st.ty) : l!.index, this.c.expr(st.value)));
          break;
        }
        case 'if': {
          if (!this.varies(st.c) && !this.loadsVary(st.c)) {
            out.push(m.if(this.c.cond(st.c), m.block(null, this.stmts(st.then, accs, mask)), st.else.length ? m.block(null, this.stmts(st.else, accs, mask)) : undefined));
            break;
          }
          // if-conversion: both branches run, each under its lanes
          const cond = this.c.temp(V128);
          out.push(m.local.set(cond, this.mask(st.c)));
          const thenMask = this.c.temp(V128);
          out.push(m.local.set(thenMask, mask === undefined ? m.local.get(cond, V128) : m.v128.and(m.local.get(mask, V128), m.local.get(cond, V128))));
          out.push(...this.stmts(st.then, accs, thenMask));
          if (st.else.length) {
            const elseMask = this.c.temp(V128);
            out.push(m.local.set(elseMask, mask === undefined ? m.v128.not(m.local.get(cond, V128)) : m.v128.andnot(m.local.get(mask, V128), m.local.get(cond, V128))));
            out.push(...this.stmts(st.else, accs, elseMask));
          }
          break;
        }
        case 'for': {
          // a short constant inner loop (uniform across lanes)
          const iv = this.c.named(st.v, 'i32');
          out.push(countedLoop(this.c, iv, this.c.expr(st.from), () => this.c.expr(st.to), this.stmts(st.body, accs, mask), 1, true));
          break;
        }
      }
    }
    return out;
  }

  /** Whether a condition reads memory at a varying index (varies() only looks at names). */
  private loadsVary(e: Expr): boolean {
    switch (e.k) {
      case 'load': return this.varies(e.idx);
      case 'bin': case 'cmp': case 'and': return this.loadsVary(e.a) || this.loadsVary(e.b);
      case 'un': case 'cvt': return this.loadsVary(e.a);
      case 'sel': return this.loadsVary(e.c) || this.loadsVary(e.a) || this.loadsVary(e.b);
      default: return false;
    }
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
  const exact = s.from.k === 'i' && s.to.k === 'i' && (s.to.v - s.from.v) % 4 === 0;
  // the remainder as one more vector step ending at the last iteration (trip ≥ 4 is known)
  const overlap = !exact && a.idempotent && s.from.k === 'i' && s.to.k === 'i'
    ? m.block(null, [m.local.set(j, m.i32.const(s.to.v - 4)), ...new VecRender(c, s, a, j).stmts(s.body, accs)])
    : undefined;
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
  if (exact) return m.block(null, [...pre, vecLoop, ...post]);
  if (overlap !== undefined) return m.block(null, [...pre, vecLoop, ...post, overlap]);
  // the remainder: the scalar loop continuing from j
  const scalarBody = renderStmts(c, s.body);
  const rest = countedLoop(c, j, m.local.get(j, I32), () => c.expr(s.to), scalarBody);
  return m.block(null, [...pre, vecLoop, ...post, rest]);
}
