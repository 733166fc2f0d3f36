// GEMM call sites as wasm, specialized for their layout (N, strides, bias, accumulate are
// constants; M and K may depend on the batch):
//  - B and C row-contiguous: register-blocked f32x4 micro-kernels, MR rows × NV vectors of C
//    in registers; A's elements are splat-loaded, B's rows stream (`nn`).
//  - B contiguous along k (a transposed weight): small K·N is packed into scratch once per
//    call and runs as above; otherwise dot products vectorized along k, MR×NR at a time (`dot`).
//  - anything else: scalar loops.
// Pointers advance by constant byte strides, so inner loops hold no multiplications.
// A fused ReLU (g.activation) is applied to each value as it is stored.
import binaryen from 'binaryen';
import type { Gemm } from '../ir/kernel.js';
import { F32, FnCtx, I32, V128, type Ref } from './wasm-ctx.js';

/** Register blocking of the row-streaming kernel: rows × f32x4 vectors of C. */
// 2×4 measured best on the reference nets (8 accumulators, 14 of the 16 xmm registers x64 V8 uses)
export const NN_MR = 2;
export const NN_NV = 4;
/** Register blocking of the dot-product kernel: rows × columns. */
const DOT_MR = 2;
const DOT_NR = 4;

interface Site {
  c: FnCtx;
  g: Gemm;
  M: number;
  K: number;
  pA: number;
  pB: number;
  pC: number;
  pBias?: number;
  /** byte strides */
  ars: number;
  acs: number;
  brs: number;
  bcs: number;
  crs: number;
  ccs: number;
}

const get = (c: FnCtx, l: number, ty = I32) => c.m.local.get(l, ty);

type Ternary = { _BinaryenSIMDTernary(module: number, op: binaryen.Operations, a: Ref, b: Ref, c: Ref): Ref };

/** acc + a·b: fused (relaxed_madd) when the module is the relaxed-SIMD variant. */
export function madd(c: FnCtx, a: Ref, b: Ref, acc: Ref): Ref {
  const m = c.m;
  if (c.env.relaxed) return (binaryen as unknown as Ternary)._BinaryenSIMDTernary(m.ptr, binaryen.RelaxedMaddVecF32x4, a, b, acc);
  return m.f32x4.add(acc, m.f32x4.mul(a, b));
}

/** for (l = 0; l < count(); l += step) body — count read each test, never entered when count() ≤ 0. */
function forUp(c: FnCtx, l: number, count: () => Ref, body: Ref[], step = 1, from = 0): Ref {
  const m = c.m;
  const brk = c.label('gB');
  const top = c.label('gL');
  const cont = () => m.i32.le_s(m.i32.add(get(c, l), m.i32.const(step)), count());
  return m.block(brk, [
    m.local.set(l, m.i32.const(from)),
    m.br(brk, m.i32.eqz(cont())),
    m.loop(top, m.block(null, [...body, m.local.set(l, m.i32.add(get(c, l), m.i32.const(step))), m.br(top, cont())])),
  ]);
}

const bump = (c: FnCtx, l: number, bytes: number) => c.m.local.set(l, c.m.i32.add(get(c, l), c.m.i32.const(bytes)));

/** Row-streaming micro-kernel: C[m0..m0+R, col..col+4·W] over all k. `col` is a byte offset. */
function nnMicro(s: Site, R: number, W: number, m0: () => Ref, colBytes: () => Ref): Ref {
  const { c } = s;
  const m = c.m;
  const pa = c.temp(I32), pb = c.temp(I32), pc = c.temp(I32), k = c.temp(I32);
  const acc = Array.from({ length: R * W }, () => c.temp(V128));
  const av = c.temp(V128);
  const bv = Array.from({ length: W }, () => c.temp(V128));
  const out: Ref[] = [
    m.local.set(pa, m.i32.add(get(c, s.pA), m.i32.mul(m0(), m.i32.const(s.ars)))),
    m.local.set(pb, m.i32.add(get(c, s.pB), colBytes())),
    m.local.set(pc, m.i32.add(m.i32.add(get(c, s.pC), m.i32.mul(m0(), m.i32.const(s.crs))), colBytes())),
  ];
  const bias = s.g.bias;
  for (let r = 0; r < R; r++) {
    for (let w = 0; w < W; w++) {
      let init: Ref;
      if (!bias) init = m.v128.const([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      else if (bias.along === 'n') init = m.v128.load(w * 16, 4, m.i32.add(get(c, s.pBias!), colBytes()));
      else init = m.v128.load32_splat(r * 4, 4, m.i32.add(get(c, s.pBias!), m.i32.shl(m0(), m.i32.const(2))));
      out.push(m.local.set(acc[r * W + w], init));
    }
  }
  const body: Ref[] = [];
  for (let w = 0; w < W; w++) body.push(m.local.set(bv[w], m.v128.load(w * 16, 4, get(c, pb))));
  for (let r = 0; r < R; r++) {
    body.push(m.local.set(av, m.v128.load32_splat(r * s.ars, 4, get(c, pa))));
    for (let w = 0; w < W; w++) {
      body.push(m.local.set(acc[r * W + w], madd(c, get(c, av, V128), get(c, bv[w], V128), get(c, acc[r * W + w], V128))));
    }
  }
  body.push(bump(c, pa, s.acs), bump(c, pb, s.brs));
  out.push(forUp(c, k, () => get(c, s.K), body));
  for (let r = 0; r < R; r++) {
    for (let w = 0; w < W; w++) {
      const off = r * s.crs + w * 16;
      let v = get(c, acc[r * W + w], V128);
      if (s.g.accumulate) v = m.f32x4.add(m.v128.load(off, 4, get(c, pc)), v);
      if (s.g.activation === 'relu') {
        // max(v, 0) as 2 instructions (f32x4.max is ~6 in V8): clear lanes ≤ 0 (−0 → +0, NaN kept)
        const t = c.temp(V128);
        v = m.v128.andnot(m.local.tee(t, v, V128), m.f32x4.le(get(c, t, V128), m.v128.const(new Array(16).fill(0))));
      }
      out.push(m.v128.store(off, 4, get(c, pc), v));
    }
  }
  return m.block(null, out);
}

/** max(v, 0) without f32.max's NaN/±0 sequence: v ≤ 0 → +0, NaN kept. */
function reluScalar(c: FnCtx, v: Ref): Ref {
  const m = c.m;
  const t = c.temp(F32);
  // select evaluates ifTrue, ifFalse, then the condition: the tee comes first
  return m.select(m.f32.le(get(c, t, F32), m.f32.const(0)), m.f32.const(0), m.local.tee(t, v, F32));
}

/** One scalar column j of C (the N mod 4 tail of the row-streaming form, or the generic form). */
function scalarColumn(s: Site, j: () => Ref): Ref {
  const { c } = s;
  const m = c.m;
  const mm = c.temp(I32), k = c.temp(I32), pa = c.temp(I32), pb = c.temp(I32), sum = c.temp(F32);
  const bias = s.g.bias;
  const biasAt = () => bias
    ? m.f32.load(0, 4, m.i32.add(get(c, s.pBias!), m.i32.shl(bias.along === 'n' ? j() : get(c, mm), m.i32.const(2))))
    : m.f32.const(0);
  const cAt = () => m.i32.add(m.i32.add(get(c, s.pC), m.i32.mul(get(c, mm), m.i32.const(s.crs))), m.i32.mul(j(), m.i32.const(s.ccs)));
  const kBody = [
    m.local.set(sum, m.f32.add(get(c, sum, F32), m.f32.mul(m.f32.load(0, 4, get(c, pa)), m.f32.load(0, 4, get(c, pb))))),
    bump(c, pa, s.acs), bump(c, pb, s.brs),
  ];
  let result: Ref = get(c, sum, F32);
  if (s.g.accumulate) result = m.f32.add(m.f32.load(0, 4, cAt()), result);
  if (s.g.activation === 'relu') result = reluScalar(c, result);
  return forUp(c, mm, () => get(c, s.M), [
    m.local.set(sum, biasAt()),
    m.local.set(pa, m.i32.add(get(c, s.pA), m.i32.mul(get(c, mm), m.i32.const(s.ars)))),
    m.local.set(pb, m.i32.add(get(c, s.pB), m.i32.mul(j(), m.i32.const(s.bcs)))),
    forUp(c, k, () => get(c, s.K), kBody),
    m.f32.store(0, 4, cAt(), result),
  ]);
}

function nn(s: Site, N: number): Ref {
  const { c } = s;
  const m = c.m;
  const out: Ref[] = [];
  const nVec = Math.floor(N / 4);
  const full = Math.floor(nVec / NN_NV);
  const rem = nVec % NN_NV;
  const rowsOf = (W: number, col: () => Ref): Ref => {
    const m0 = c.temp(I32);
    const blocks = forUp(c, m0, () => get(c, s.M), [nnMicro(s, NN_MR, W, () => get(c, m0), col)], NN_MR);
    // the M mod MR tail rows, one at a time, continuing from where m0 stopped
    const tail = c.temp(I32);
    const brk = c.label('tB');
    const top = c.label('tL');
    const rows = m.block(brk, [
      m.local.set(tail, m.i32.sub(get(c, s.M), m.i32.rem_u(get(c, s.M), m.i32.const(NN_MR)))),
      m.br(brk, m.i32.ge_s(get(c, tail), get(c, s.M))),
      m.loop(top, m.block(null, [
        nnMicro(s, 1, W, () => get(c, tail), col),
        m.local.set(tail, m.i32.add(get(c, tail), m.i32.const(1))),
        m.br(top, m.i32.lt_s(get(c, tail), get(c, s.M))),
      ])),
    ]);
    return m.block(null, [blocks, rows]);
  };
  if (full > 0) {
    const nb = c.temp(I32);
    out.push(forUp(c, nb, () => m.i32.const(full * NN_NV * 16), [rowsOf(NN_NV, () => get(c, nb))], NN_NV * 16));
  }
  if (rem > 0) out.push(rowsOf(rem, () => m.i32.const(full * NN_NV * 16)));
  for (let j = nVec * 4; j < N; j++) out.push(scalarColumn(s, () => m.i32.const(j)));
  return m.block(null, out);
}

const hsum = (c: FnCtx, v: number): Ref => {
  const m = c.m;
  const lane = (i: number) => m.f32x4.extract_lane(get(c, v, V128), i);
  return m.f32.add(m.f32.add(lane(0), lane(1)), m.f32.add(lane(2), lane(3)));
};

/** Dot-product micro-kernel: C[m0..m0+R, j0..j0+J] with A and B both contiguous along k. */
function dotMicro(s: Site, R: number, J: number, m0: () => Ref, j0: () => Ref): Ref {
  const { c } = s;
  const m = c.m;
  const pa = c.temp(I32), pb = c.temp(I32), k = c.temp(I32);
  const acc = Array.from({ length: R * J }, () => c.temp(V128));
  const sums = Array.from({ length: R * J }, () => c.temp(F32));
  const av = Array.from({ length: R }, () => c.temp(V128));
  const out: Ref[] = [
    m.local.set(pa, m.i32.add(get(c, s.pA), m.i32.mul(m0(), m.i32.const(s.ars)))),
    m.local.set(pb, m.i32.add(get(c, s.pB), m.i32.mul(j0(), m.i32.const(s.bcs)))),
  ];
  for (const a of acc) out.push(m.local.set(a, m.v128.const(new Array(16).fill(0))));
  const body: Ref[] = [];
  for (let r = 0; r < R; r++) body.push(m.local.set(av[r], m.v128.load(r * s.ars, 4, get(c, pa))));
  for (let j = 0; j < J; j++) {
    const bv = m.v128.load(j * s.bcs, 4, get(c, pb));
    const bl = c.temp(V128);
    body.push(m.local.set(bl, bv));
    for (let r = 0; r < R; r++) body.push(m.local.set(acc[r * J + j], madd(c, get(c, av[r], V128), get(c, bl, V128), get(c, acc[r * J + j], V128))));
  }
  body.push(bump(c, pa, 16), bump(c, pb, 16));
  out.push(forUp(c, k, () => get(c, s.K), body, 4));
  for (let i = 0; i < R * J; i++) out.push(m.local.set(sums[i], hsum(c, acc[i])));
  // k tail: K mod 4 scalar steps
  const tail: Ref[] = [];
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < J; j++) {
      const x = m.f32.mul(m.f32.load(r * s.ars, 4, get(c, pa)), m.f32.load(j * s.bcs, 4, get(c, pb)));
      tail.push(m.local.set(sums[r * J + j], m.f32.add(get(c, sums[r * J + j], F32), x)));
    }
  }
  tail.push(bump(c, pa, 4), bump(c, pb, 4));
  const kt = c.temp(I32);
  const brk = c.label('kB');
  const top = c.label('kL');
  out.push(m.block(brk, [
    m.local.set(kt, m.i32.and(get(c, s.K), m.i32.const(~3))),
    m.br(brk, m.i32.ge_s(get(c, kt), get(c, s.K))),
    m.loop(top, m.block(null, [...tail, m.local.set(kt, m.i32.add(get(c, kt), m.i32.const(1))), m.br(top, m.i32.lt_s(get(c, kt), get(c, s.K)))])),
  ]));
  const bias = s.g.bias;
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < J; j++) {
      const at = () => m.i32.add(m.i32.add(get(c, s.pC), m.i32.mul(m0(), m.i32.const(s.crs))), m.i32.mul(j0(), m.i32.const(s.ccs)));
      const off = r * s.crs + j * s.ccs;
      let v: Ref = get(c, sums[r * J + j], F32);
      if (bias) {
        const idx = bias.along === 'n' ? j0() : m0();
        const bo = (bias.along === 'n' ? j : r) * 4;
        v = m.f32.add(v, m.f32.load(bo, 4, m.i32.add(get(c, s.pBias!), m.i32.shl(idx, m.i32.const(2)))));
      }
      if (s.g.accumulate) v = m.f32.add(m.f32.load(off, 4, at()), v);
      if (s.g.activation === 'relu') v = reluScalar(c, v);
      out.push(m.f32.store(off, 4, at(), v));
    }
  }
  return m.block(null, out);
}

function dot(s: Site, N: number): Ref {
  const { c } = s;
  const m = c.m;
  const cols = (R: number, m0: () => Ref): Ref => {
    const parts: Ref[] = [];
    const full = Math.floor(N / DOT_NR);
    if (full > 0) {
      const j0 = c.temp(I32);
      parts.push(forUp(c, j0, () => m.i32.const(full * DOT_NR), [dotMicro(s, R, DOT_NR, m0, () => get(c, j0))], DOT_NR));
    }
    if (N % DOT_NR > 0) parts.push(dotMicro(s, R, N % DOT_NR, m0, () => m.i32.const(full * DOT_NR)));
    return m.block(null, parts);
  };
  const m0 = c.temp(I32);
  const tail = c.temp(I32);
  const brk = c.label('dB');
  const top = c.label('dL');
  return m.block(null, [
    forUp(c, m0, () => get(c, s.M), [cols(DOT_MR, () => get(c, m0))], DOT_MR),
    m.block(brk, [
      m.local.set(tail, m.i32.sub(get(c, s.M), m.i32.rem_u(get(c, s.M), m.i32.const(DOT_MR)))),
      m.br(brk, m.i32.ge_s(get(c, tail), get(c, s.M))),
      m.loop(top, m.block(null, [
        cols(1, () => get(c, tail)),
        m.local.set(tail, m.i32.add(get(c, tail), m.i32.const(1))),
        m.br(top, m.i32.lt_s(get(c, tail), get(c, s.M))),
      ])),
    ]),
  ]);
}

/** B (K×N, contiguous along k) copied to scratch as row-major [K, N], so the row-streaming form applies. */
function pack(s: Site, N: number, K: number): Ref {
  const { c } = s;
  const m = c.m;
  c.env.scratchBytes = Math.max(c.env.scratchBytes, K * N * 4);
  const j = c.temp(I32), k = c.temp(I32), src = c.temp(I32), dst = c.temp(I32);
  const inner = [
    m.f32.store(0, 4, get(c, dst), m.f32.load(0, 4, get(c, src))),
    bump(c, src, s.brs), bump(c, dst, N * 4),
  ];
  const packLoop = forUp(c, j, () => m.i32.const(N), [
    m.local.set(src, m.i32.add(get(c, s.pB), m.i32.mul(get(c, j), m.i32.const(s.bcs)))),
    m.local.set(dst, m.i32.shl(get(c, j), m.i32.const(2))),
    forUp(c, k, () => m.i32.const(K), inner),
  ]);
  return m.block(null, [packLoop, m.local.set(s.pB, m.i32.const(0))]);
}

/** Scratch bytes a call site packs B into (0: it does not pack). */
export function packedBytes(g: Gemm): number {
  if (g.B.cs === 1 && g.C.cs === 1) return 0;
  if (g.C.cs !== 1 || g.B.rs !== 1 || g.K.k !== 'i') return 0;
  return g.K.v < 16 || g.K.v * g.N <= 4096 || g.A.cs !== 1 ? g.K.v * g.N * 4 : 0;
}

export function renderGemm(c: FnCtx, g: Gemm): Ref {
  const m = c.m;
  const L = () => c.temp(I32);
  const s: Site = {
    c, g, M: L(), K: L(), pA: L(), pB: L(), pC: L(),
    ars: g.A.rs * 4, acs: g.A.cs * 4, brs: g.B.rs * 4, bcs: g.B.cs * 4, crs: g.C.rs * 4, ccs: g.C.cs * 4,
  };
  const pre: Ref[] = [
    m.local.set(s.M, c.expr(g.M)),
    m.local.set(s.K, c.expr(g.K)),
    m.local.set(s.pA, c.addrExpr(g.A.buf, g.A.off)),
    m.local.set(s.pB, c.addrExpr(g.B.buf, g.B.off)),
    m.local.set(s.pC, c.addrExpr(g.C.buf, g.C.off)),
  ];
  if (g.bias) {
    s.pBias = L();
    pre.push(m.local.set(s.pBias, c.addrExpr(g.bias.buf, g.bias.off)));
  }
  const N = g.N;
  let kernel: Ref;
  if (g.B.cs === 1 && g.C.cs === 1) kernel = nn(s, N);
  else if (packedBytes(g) > 0) {
    // Small K·N (LSTM projections): packing costs less than one pass of the product.
    const K = (g.K as { v: number }).v;
    pre.push(pack(s, N, K));
    s.brs = N * 4;
    s.bcs = 4;
    kernel = nn(s, N);
  } else if (g.A.cs === 1 && g.B.rs === 1) kernel = dot(s, N);
  else {
    const j = L();
    kernel = forUp(c, j, () => m.i32.const(N), [scalarColumn(s, () => get(c, j))]);
  }
  return m.block(null, [...pre, kernel]);
}
