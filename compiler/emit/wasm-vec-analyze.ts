// The vectorizer's analysis (see wasm-vec.ts): which loops qualify, which locals become
// vectors, reductions, and whether lanes may be recomputed (an overlapping last step).
import type { Expr, Stmt } from '../ir/kernel.js';

export type ForStmt = Extract<Stmt, { k: 'for' }>;

/** index = Σ coef·atom + konst, with the loop variable as the atom ''. */
export interface Linear {
  terms: Map<string, number>;
  konst: number;
}

export function linear(e: Expr, v: string, varying: Set<string>): Linear | undefined {
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

export const coefOf = (l: Linear) => l.terms.get('') ?? 0;

/** a − b when it is a constant. */
function constDiff(a: Linear, b: Linear): number | undefined {
  const keys = new Set([...a.terms.keys(), ...b.terms.keys()]);
  for (const k of keys) if ((a.terms.get(k) ?? 0) !== (b.terms.get(k) ?? 0)) return undefined;
  return a.konst - b.konst;
}

export function usesAny(e: Expr, names: Set<string>): boolean {
  switch (e.k) {
    case 'var': return names.has(e.name);
    case 'load': return usesAny(e.idx, names);
    case 'bin': case 'cmp': case 'and': return usesAny(e.a, names) || usesAny(e.b, names);
    case 'un': case 'cvt': return usesAny(e.a, names);
    case 'sel': return usesAny(e.c, names) || usesAny(e.a, names) || usesAny(e.b, names);
    default: return false;
  }
}

function usesLoad(e: Expr): boolean {
  switch (e.k) {
    case 'load': return true;
    case 'bin': case 'cmp': case 'and': return usesLoad(e.a) || usesLoad(e.b);
    case 'un': case 'cvt': return usesLoad(e.a);
    case 'sel': return usesLoad(e.c) || usesLoad(e.a) || usesLoad(e.b);
    default: return false;
  }
}

interface Access { buf: string; lin: Linear; store: boolean }
export interface Reduction { name: string; op: '+' | 'max' | 'min'; value: Expr }

export interface Analysis {
  varying: Set<string>;
  reductions: Reduction[];
  /** Lanes may be computed twice (the overlapping last vector step is allowed). */
  idempotent: boolean;
}

/** Longest constant inner loop the vectorizer runs inside a vector iteration. */
const MAX_INNER = 4;

export function analyze(s: ForStmt): Analysis | undefined {
  const v = s.v;
  const lets = new Set<string>();
  let ok = true;
  const walk = (body: Stmt[], f: (st: Stmt, top: boolean, inner: boolean) => void, top = true, inner = false) => {
    for (const st of body) {
      f(st, top, inner);
      if (st.k === 'if') { walk(st.then, f, false, inner); walk(st.else, f, false, inner); }
      if (st.k === 'for') walk(st.body, f, false, true);
    }
  };
  walk(s.body, (st, _top, inner) => {
    if (st.k === 'gemm') ok = false;
    if (st.k === 'for' && !(st.from.k === 'i' && st.to.k === 'i' && st.to.v - st.from.v <= MAX_INNER && st.v !== v)) ok = false;
    if (st.k === 'store' && inner) ok = false;
    if (st.k === 'let') lets.add(st.name);
  });
  if (!ok) return undefined;
  // Inner locals become vectors when any assignment to them varies, or happens under a
  // varying condition (to a fixpoint).
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
  let changed = true;
  const visit = (body: Stmt[], masked: boolean): void => {
    for (const st of body) {
      if ((st.k === 'let' || (st.k === 'set' && lets.has(st.name))) && !varying.has(st.name) && (masked || isVar(st.value))) {
        varying.add(st.name);
        changed = true;
      }
      if (st.k === 'if') { const mk = masked || isVar(st.c); visit(st.then, mk); visit(st.else, mk); }
      if (st.k === 'for') visit(st.body, masked);
    }
  };
  while (changed) {
    changed = false;
    visit(s.body, false);
  }
  // A varying if may only assign the loop's own locals (it becomes bitselects), without
  // loads: both branches run in every lane, and a masked-off lane's address may lie outside
  // its buffer (a padded pooling tap).
  const hasLoad = (e: Expr): boolean => usesLoad(e);
  const onlyLocals = (body: Stmt[]): boolean => body.every((st) =>
    st.k === 'comment' ||
    ((st.k === 'let' || (st.k === 'set' && lets.has(st.name))) && !hasLoad(st.value)) ||
    (st.k === 'if' && !hasLoad(st.c) && onlyLocals(st.then) && onlyLocals(st.else)));
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
        if (isVar(st.c) && !(onlyLocals(st.then) && onlyLocals(st.else))) ok = false;
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
  const stored = new Set(accesses.filter((a) => a.store).map((a) => a.buf));
  let accStore = false;
  walk(s.body, (st) => { if (st.k === 'store' && st.acc) accStore = true; });
  const idempotent = reductions.length === 0 && !accStore && !accesses.some((a) => !a.store && stored.has(a.buf));
  return { varying, reductions, idempotent };
}

