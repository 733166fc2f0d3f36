// The optimizer update as one pass over the parameter arena, with runtime/optim.ts's float32
// arithmetic exactly: every tensor op rounds to float32 in PyTorch's order, and `x + α·y`
// rounds once (computed in float64, where the float32 product is exact, then demoted), as
// Math.fround(x + α·y) does there. Four lanes per step (float64 halves for the fused forms),
// a scalar loop for the P mod 4 tail. The caller passes coefficients already rounded to f32.
import binaryen from 'binaryen';
import type { MemoryPlan } from '../passes/memory.js';
import { F32, F64, I32, V128, type Ref } from './wasm-ctx.js';

type M = binaryen.Module;

/** Either four f32x4 lanes or one f32 scalar: the same update written once. */
interface Lanes {
  load(ptr: Ref): Ref;
  store(ptr: Ref, v: Ref): Ref;
  splat(x: Ref): Ref;
  mul(a: Ref, b: Ref): Ref;
  add(a: Ref, b: Ref): Ref;
  div(a: Ref, b: Ref): Ref;
  sqrt(a: Ref): Ref;
  /** round(a + b·c) from float64 */
  fused(a: Ref, b: Ref, c: Ref): Ref;
  /** flag ? a : b, flag an i32 */
  pick(flag: Ref, a: Ref, b: Ref): Ref;
  ty: number;
  width: number;
}

function vectorLanes(m: M, tmp: () => number): Lanes {
  const hi = (v: Ref) => m.i8x16.shuffle(v, m.v128.const(new Array(16).fill(0)), [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
  return {
    ty: V128,
    width: 4,
    load: (p) => m.v128.load(0, 4, p),
    store: (p, v) => m.v128.store(0, 4, p, v),
    splat: (x) => m.f32x4.splat(x),
    mul: (a, b) => m.f32x4.mul(a, b),
    add: (a, b) => m.f32x4.add(a, b),
    div: (a, b) => m.f32x4.div(a, b),
    sqrt: (a) => m.f32x4.sqrt(a),
    fused(a, b, c) {
      const [ta, tb, tc] = [tmp(), tmp(), tmp()];
      const half = (sel: (v: Ref) => Ref) => m.f32x4.demote_f64x2_zero(m.f64x2.add(
        m.f64x2.promote_low_f32x4(sel(m.local.get(ta, V128))),
        m.f64x2.mul(m.f64x2.promote_low_f32x4(sel(m.local.get(tb, V128))), m.f64x2.promote_low_f32x4(sel(m.local.get(tc, V128)))),
      ));
      return m.block(null, [
        m.local.set(ta, a), m.local.set(tb, b), m.local.set(tc, c),
        m.i8x16.shuffle(half((v) => v), half(hi), [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]),
      ], V128);
    },
    pick: (flag, a, b) => m.v128.bitselect(a, b, m.i32x4.splat(m.i32.sub(m.i32.const(0), flag))),
  };
}

function scalarLanes(m: M): Lanes {
  return {
    ty: F32,
    width: 1,
    load: (p) => m.f32.load(0, 4, p),
    store: (p, v) => m.f32.store(0, 4, p, v),
    splat: (x) => x,
    mul: (a, b) => m.f32.mul(a, b),
    add: (a, b) => m.f32.add(a, b),
    div: (a, b) => m.f32.div(a, b),
    sqrt: (a) => m.f32.sqrt(a),
    fused: (a, b, c) => m.f32.demote(m.f64.add(m.f64.promote(a), m.f64.mul(m.f64.promote(b), m.f64.promote(c)))),
    pick: (flag, a, b) => m.select(flag, a, b),
  };
}

interface Region { params: number; grads: number; state: number; P: number }

/** The loop over i in [from, to) elements with pointers p, g, s0, s1 advanced by `width`. */
function updateLoop(m: M, L: Lanes, idx: number, r: Region, from: Ref, to: number, step: (at: (base: number, slot?: number) => Ref) => Ref[]): Ref {
  const at = (base: number, slot = 0) => m.i32.add(m.i32.shl(m.local.get(idx, I32), m.i32.const(2)), m.i32.const(base + slot * r.P * 4));
  const brk = `u${L.width}B`;
  const top = `u${L.width}L`;
  const fits = () => m.i32.le_s(m.i32.add(m.local.get(idx, I32), m.i32.const(L.width)), m.i32.const(to));
  return m.block(brk, [
    m.local.set(idx, from),
    m.br(brk, m.i32.eqz(fits())),
    m.loop(top, m.block(null, [...step(at), m.local.set(idx, m.i32.add(m.local.get(idx, I32), m.i32.const(L.width))), m.br(top, fits())])),
  ]);
}

/**
 * sgd(wd, momentum, 1 − dampening, −lr, first, nesterov): torch.optim.SGD's step.
 * adam(wd, b1, b2, 1 − b1, 1 − b2, −step_size, sqrt(bias_correction2), eps): torch.optim.Adam's.
 */
export function addOptimizer(m: M, plan: MemoryPlan, arenaBase: number, kind: 'sgd' | 'adam' | undefined, slots: number): void {
  if (!kind) return;
  const r: Region = {
    params: arenaBase + plan.params.offset * 4,
    grads: arenaBase + plan.grads.offset * 4,
    state: arenaBase + plan.optimizerState.offset * 4,
    P: plan.params.size,
  };
  const nParams = kind === 'sgd' ? 6 : 8;
  const vars: number[] = [I32];
  const tmp = (ty: number) => () => { vars.push(ty); return nParams + vars.length - 1; };
  const idx = nParams;
  const arg = (k: number, ty = F32) => m.local.get(k, ty);
  const passes: Ref[] = [];
  for (const vec of [true, false]) {
    const L = vec ? vectorLanes(m, tmp(V128)) : scalarLanes(m);
    const T = tmp(L.ty);
    const from = vec ? m.i32.const(0) : m.i32.const(Math.floor(r.P / 4) * 4);
    passes.push(updateLoop(m, L, idx, r, from, r.P, (at) => {
      const [p, g, b, v] = [T(), T(), T(), T()];
      const get = (l: number) => m.local.get(l, L.ty);
      const out: Ref[] = [m.local.set(p, L.load(at(r.params))), m.local.set(g, L.load(at(r.grads)))];
      out.push(m.local.set(g, L.pick(m.f32.ne(arg(0), m.f32.const(0)), L.fused(get(g), L.splat(arg(0)), get(p)), get(g))));
      if (kind === 'sgd') {
        if (slots > 0) {
          // b = first ? g : round(round(b·momentum) + (1 − dampening)·g)
          out.push(m.local.set(b, L.pick(arg(4, I32), get(g), L.fused(L.mul(L.load(at(r.state)), L.splat(arg(1))), L.splat(arg(2)), get(g)))));
          out.push(L.store(at(r.state), get(b)));
          out.push(m.local.set(g, L.pick(arg(5, I32), L.fused(get(g), L.splat(arg(1)), get(b)), get(b))));
        }
        out.push(L.store(at(r.params), L.fused(get(p), L.splat(arg(3)), get(g))));
      } else {
        // m = round(round(m·b1) + (1 − b1)·g); v = round(v·b2) + round(round((1 − b2)·g)·g)
        out.push(m.local.set(b, L.fused(L.mul(L.load(at(r.state, 0)), L.splat(arg(1))), L.splat(arg(3)), get(g))));
        out.push(m.local.set(v, L.add(L.mul(L.load(at(r.state, 1)), L.splat(arg(2))), L.mul(L.mul(L.splat(arg(4)), get(g)), get(g)))));
        out.push(L.store(at(r.state, 0), get(b)), L.store(at(r.state, 1), get(v)));
        // p = p + round(round(−step·m) / (sqrt(v)/sqrt(bc2) + eps))
        const denom = L.add(L.div(L.sqrt(get(v)), L.splat(arg(6))), L.splat(arg(7)));
        out.push(L.store(at(r.params), L.add(get(p), L.div(L.mul(L.splat(arg(5)), get(b)), denom))));
      }
      return out;
    }));
  }
  const params = binaryen.createType(kind === 'sgd' ? [F32, F32, F32, F32, I32, I32] : [F32, F32, F32, F32, F32, F32, F32, F32]);
  m.addFunction(kind, params, binaryen.none, vars, m.block(null, passes));
  m.addFunctionExport(kind, kind);
  void F64;
}
