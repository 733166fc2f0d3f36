// The kernel IR: loops over arena buffers with static bounds (the batch `n` is the one
// run-time value), scalar arithmetic, and calls of shared primitives (GEMM). Every op's
// forward and backward is written once in this IR; each target's emitter renders it.

export type Ty = 'i32' | 'f32'; // f32 is "the arena's float type" (Float64 in test builds)

export type BinOp = '+' | '-' | '*' | '/' | 'max' | 'min';
export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type UnOp = 'neg' | 'exp' | 'log' | 'tanh' | 'sqrt' | 'abs';

export type Expr =
  | { k: 'i'; v: number }
  | { k: 'f'; v: number }
  | { k: 'var'; name: string; ty: Ty }
  | { k: 'load'; buf: string; idx: Expr }
  | { k: 'bin'; op: BinOp; a: Expr; b: Expr; ty: Ty }
  | { k: 'un'; op: UnOp; a: Expr }
  | { k: 'cmp'; op: CmpOp; a: Expr; b: Expr }
  | { k: 'and'; a: Expr; b: Expr }
  | { k: 'sel'; c: Expr; a: Expr; b: Expr; ty: Ty }
  | { k: 'cvt'; to: Ty; a: Expr };

/** A strided matrix view: element (r, c) is buf[off + r*rs + c*cs]. */
export interface MatView {
  buf: string;
  off: Expr;
  rs: number;
  cs: number;
}

/** C[M,N] (= or +=) A[M,K]·B[K,N] (+ bias); N is a constant, M and K may depend on the batch. */
export interface Gemm {
  M: Expr;
  N: number;
  K: Expr;
  A: MatView;
  B: MatView;
  C: MatView;
  accumulate: boolean;
  /** Added to C: bias[off + m] when along 'm' (one per row), bias[off + n] when along 'n'. */
  bias?: { buf: string; off: Expr; along: 'm' | 'n' };
  /** Applied to each stored C element after bias and accumulation (set by passes/fuse.ts). */
  activation?: 'relu';
}

export type Stmt =
  | { k: 'for'; v: string; from: Expr; to: Expr; body: Stmt[] }
  | { k: 'store'; buf: string; idx: Expr; value: Expr; acc: boolean }
  | { k: 'let'; name: string; ty: Ty; value: Expr }
  | { k: 'set'; name: string; value: Expr }
  | { k: 'if'; c: Expr; then: Stmt[]; else: Stmt[] }
  | { k: 'gemm'; g: Gemm }
  | { k: 'comment'; text: string };

export type Operand = Expr | number;

export function typeOf(e: Expr): Ty {
  switch (e.k) {
    case 'i':
    case 'cmp':
    case 'and':
      return 'i32';
    case 'f':
    case 'load':
    case 'un':
      return 'f32';
    case 'var':
    case 'bin':
    case 'sel':
      return e.ty;
    case 'cvt':
      return e.to;
  }
}

/** Turn a JS number into a constant of the other operand's type. */
function lift(x: Operand, like: Ty): Expr {
  if (typeof x !== 'number') return x;
  if (like === 'i32') {
    if (!Number.isInteger(x)) throw new Error(`internal: non-integer ${x} in an integer expression`);
    return { k: 'i', v: x };
  }
  return { k: 'f', v: x };
}

function pair(a: Operand, b: Operand): [Expr, Expr, Ty] {
  const ta = typeof a === 'number' ? undefined : typeOf(a);
  const tb = typeof b === 'number' ? undefined : typeOf(b);
  const ty: Ty = ta ?? tb ?? (Number.isInteger(a) && Number.isInteger(b) ? 'i32' : 'f32');
  const ea = lift(a, ty);
  const eb = lift(b, ty);
  if (typeOf(ea) !== typeOf(eb)) throw new Error(`internal: mixed i32/f32 operands; convert explicitly`);
  return [ea, eb, ty];
}

function bin(op: BinOp, a: Operand, b: Operand): Expr {
  const [ea, eb, ty] = pair(a, b);
  // Fold integer constants so emitted index arithmetic stays short.
  if (ty === 'i32') {
    if (ea.k === 'i' && eb.k === 'i') {
      const r = op === '+' ? ea.v + eb.v : op === '-' ? ea.v - eb.v : op === '*' ? ea.v * eb.v : undefined;
      if (r !== undefined) return { k: 'i', v: r };
    }
    if (op === '+' && eb.k === 'i' && eb.v === 0) return ea;
    if (op === '+' && ea.k === 'i' && ea.v === 0) return eb;
    if (op === '-' && eb.k === 'i' && eb.v === 0) return ea;
    if (op === '*' && eb.k === 'i' && eb.v === 1) return ea;
    if (op === '*' && ea.k === 'i' && ea.v === 1) return eb;
    if (op === '*' && ((eb.k === 'i' && eb.v === 0) || (ea.k === 'i' && ea.v === 0))) return { k: 'i', v: 0 };
  }
  return { k: 'bin', op, a: ea, b: eb, ty };
}

export const i = (v: number): Expr => lift(v, 'i32');
export const f = (v: number): Expr => ({ k: 'f', v });
export const add = (a: Operand, b: Operand) => bin('+', a, b);
export const sub = (a: Operand, b: Operand) => bin('-', a, b);
export const mul = (a: Operand, b: Operand) => bin('*', a, b);
export const div = (a: Operand, b: Operand) => bin('/', a, b);
export const max = (a: Operand, b: Operand) => bin('max', a, b);
export const min = (a: Operand, b: Operand) => bin('min', a, b);
export const un = (op: UnOp, a: Expr): Expr => ({ k: 'un', op, a });
export const exp = (a: Expr) => un('exp', a);
export const log = (a: Expr) => un('log', a);
export const tanh = (a: Expr) => un('tanh', a);
export const sqrt = (a: Expr) => un('sqrt', a);
export const neg = (a: Expr) => un('neg', a);
export function cmp(op: CmpOp, a: Operand, b: Operand): Expr {
  const [ea, eb] = pair(a, b);
  return { k: 'cmp', op, a: ea, b: eb };
}
export const and = (a: Expr, b: Expr): Expr => ({ k: 'and', a, b });
/** c ? a : b — two plain numbers are floats (a mask), as is usual in kernels. */
export function sel(c: Expr, a: Operand, b: Operand): Expr {
  const [ea, eb, ty] = typeof a === 'number' && typeof b === 'number' ? [f(a), f(b), 'f32' as Ty] : pair(a, b);
  return { k: 'sel', c, a: ea, b: eb, ty };
}
export const toF = (a: Expr): Expr => (typeOf(a) === 'f32' ? a : a.k === 'i' ? f(a.v) : { k: 'cvt', to: 'f32', a });
export const toI = (a: Expr): Expr => (typeOf(a) === 'i32' ? a : { k: 'cvt', to: 'i32', a });
/** 1 / (1 + e^-x) */
export const sigmoid = (x: Expr): Expr => div(1, add(1, exp(neg(x))));

/**
 * Writes kernel statements. Loops take a callback receiving the loop variable, so kernels
 * read like the math: `b.loop(n, (s) => b.loop(OUT, (o) => b.store(y, add(mul(s, OUT), o), ...)))`.
 */
export class KernelBuilder {
  readonly body: Stmt[] = [];
  private stack: Stmt[][] = [this.body];
  private names = new Map<string, number>();

  /** The batch size of this call: the one value not known at compile time. */
  readonly n: Expr = { k: 'var', name: 'n', ty: 'i32' };

  private fresh(base: string): string {
    const c = this.names.get(base) ?? 0;
    this.names.set(base, c + 1);
    return c === 0 ? base : `${base}${c}`;
  }

  private emit(s: Stmt): void {
    this.stack[this.stack.length - 1].push(s);
  }

  private nested(fn: () => void): Stmt[] {
    const body: Stmt[] = [];
    this.stack.push(body);
    fn();
    this.stack.pop();
    return body;
  }

  /** for (v = from; v < to; v++) */
  range(from: Operand, to: Operand, fn: (v: Expr) => void, name = 'i'): void {
    const v = this.fresh(name);
    const ve: Expr = { k: 'var', name: v, ty: 'i32' };
    const body = this.nested(() => fn(ve));
    this.emit({ k: 'for', v, from: lift(from, 'i32'), to: lift(to, 'i32'), body });
  }

  loop(count: Operand, fn: (v: Expr) => void, name = 'i'): void {
    this.range(0, count, fn, name);
  }

  /** n·perSample: the element count of a batched buffer in this call. */
  mul(perSample: number): Expr {
    return mul(this.n, perSample);
  }

  load(buf: string, idx: Operand): Expr {
    return { k: 'load', buf, idx: lift(idx, 'i32') };
  }

  store(buf: string, idx: Operand, value: Operand): void {
    this.write(buf, idx, value, false);
  }

  /** buf[idx] += value */
  accumulate(buf: string, idx: Operand, value: Operand): void {
    this.write(buf, idx, value, true);
  }

  /** buf[idx] = value, or += when `acc` (gradient accumulation where a value fans out). */
  write(buf: string, idx: Operand, value: Operand, acc: boolean): void {
    this.emit({ k: 'store', buf, idx: lift(idx, 'i32'), value: lift(value, 'f32'), acc });
  }

  /** A mutable local scalar. */
  local(value: Operand, ty: Ty = typeof value === 'number' ? 'f32' : typeOf(value), name = 't'): Expr {
    const v = this.fresh(name);
    this.emit({ k: 'let', name: v, ty, value: lift(value, ty) });
    return { k: 'var', name: v, ty };
  }

  set(local: Expr, value: Operand): void {
    if (local.k !== 'var') throw new Error('internal: set() needs a local');
    this.emit({ k: 'set', name: local.name, value: lift(value, local.ty) });
  }

  when(c: Expr, then: () => void, otherwise?: () => void): void {
    const t = this.nested(then);
    const e = otherwise ? this.nested(otherwise) : [];
    this.emit({ k: 'if', c, then: t, else: e });
  }

  gemm(g: Gemm): void {
    this.emit({ k: 'gemm', g });
  }

  fill(buf: string, count: Operand, value = 0): void {
    this.loop(count, (j) => this.store(buf, j, value), 'z');
  }

  comment(text: string): void {
    this.emit({ k: 'comment', text });
  }
}

/** A kernel: a named function of the batch size over arena buffers. */
export interface Kernel {
  name: string;
  body: Stmt[];
}
