// exp, log and tanh for the wasm target: f32x4 functions (Cephes' single-precision
// polynomials, within 2 ulp), and scalar wrappers that run one lane. Wasm has no
// transcendental instructions, and a call out to JavaScript's Math costs more than the math.
import binaryen from 'binaryen';
import { F32, V128, type Ref } from './wasm-ctx.js';

type M = binaryen.Module;

const f4 = (m: M, v: number) => m.f32x4.splat(m.f32.const(v));
const i4 = (m: M, v: number) => m.i32x4.splat(m.i32.const(v));

/** Horner: c0·x^k + c1·x^(k-1) + … with x read from a local each time. */
function horner(m: M, coeffs: number[], x: () => Ref): Ref {
  let acc = f4(m, coeffs[0]);
  for (let k = 1; k < coeffs.length; k++) acc = m.f32x4.add(m.f32x4.mul(acc, x()), f4(m, coeffs[k]));
  return acc;
}

function addVexp(m: M): void {
  // locals: 0 x, 1 n, 2 r, 3 t = x·log2e + 1.5·2^23 (its low mantissa bits hold round(x·log2e))
  const x = () => m.local.get(0, V128);
  const n = () => m.local.get(1, V128);
  const r = () => m.local.get(2, V128);
  const t = () => m.local.get(3, V128);
  const magic = 12582912; // 1.5·2^23: adding it rounds to an integer, ties to even (as f32x4.nearest)
  const body = m.block(null, [
    // pmax/pmin are single instructions (max/min need NaN and ±0 fix-ups); NaN passes through
    m.local.set(0, m.f32x4.pmin(m.f32x4.pmax(x(), f4(m, -87.3)), f4(m, 88.72283))),
    m.local.set(3, m.f32x4.add(m.f32x4.mul(x(), f4(m, 1.44269504088896341)), f4(m, magic))),
    m.local.set(1, m.f32x4.sub(t(), f4(m, magic))),
    m.local.set(2, m.f32x4.sub(m.f32x4.sub(x(), m.f32x4.mul(n(), f4(m, 0.693359375))), m.f32x4.mul(n(), f4(m, -2.12194440e-4)))),
    // y = P(r)·r² + r + 1; result = 2y · 2^(n−1) (n−1 keeps the exponent field in range at n = 128)
    m.local.set(0, m.f32x4.add(m.f32x4.add(m.f32x4.mul(
      horner(m, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1], r),
      m.f32x4.mul(r(), r())), r()), f4(m, 1))),
    // n's integer value is t's bit pattern minus magic's
    m.f32x4.mul(m.f32x4.add(x(), x()), m.i32x4.shl(m.i32x4.add(t(), i4(m, 126 - 0x4b400000)), m.i32.const(23))),
  ], V128);
  m.addFunction('vexp', binaryen.createType([V128]), V128, [V128, V128, V128], body);
}

function addVlog(m: M): void {
  // locals: 0 x, 1 m (mantissa in [√½, √2) − 1), 2 e (float exponent), 3 mask, 4 z
  const x = () => m.local.get(0, V128);
  const mm = () => m.local.get(1, V128);
  const e = () => m.local.get(2, V128);
  const mask = () => m.local.get(3, V128);
  const z = () => m.local.get(4, V128);
  const body = m.block(null, [
    m.local.set(1, m.v128.or(m.v128.and(x(), i4(m, 0x007fffff)), i4(m, 0x3f000000))),
    m.local.set(3, m.f32x4.lt(mm(), f4(m, 0.707106781186547524))),
    // e = exponent − 126, one less where the mantissa was doubled (mask is −1 there)
    m.local.set(2, m.f32x4.convert_i32x4_s(m.i32x4.add(m.i32x4.sub(m.i32x4.shr_u(x(), m.i32.const(23)), i4(m, 126)), mask()))),
    m.local.set(1, m.f32x4.sub(m.f32x4.add(mm(), m.v128.and(mm(), mask())), f4(m, 1))),
    m.local.set(4, m.f32x4.mul(mm(), mm())),
    m.local.set(3, m.f32x4.mul(m.f32x4.mul(horner(m, [
      7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
      -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
    ], mm), mm()), z())),
    m.local.set(3, m.f32x4.add(m.f32x4.add(mask(), m.f32x4.mul(e(), f4(m, -2.12194440e-4))), m.f32x4.mul(z(), f4(m, -0.5)))),
    m.local.set(1, m.f32x4.add(m.f32x4.add(mm(), mask()), m.f32x4.mul(e(), f4(m, 0.693359375)))),
    // x ≤ 0, ∞ and NaN: log(0) = −∞, log(∞) = ∞, otherwise NaN
    m.v128.bitselect(
      mm(),
      m.v128.bitselect(f4(m, -Infinity), m.v128.bitselect(f4(m, Infinity), f4(m, NaN), m.f32x4.eq(x(), f4(m, Infinity))), m.f32x4.eq(x(), f4(m, 0))),
      m.v128.and(m.f32x4.gt(x(), f4(m, 0)), m.f32x4.lt(x(), f4(m, Infinity))),
    ),
  ], V128);
  m.addFunction('vlog', binaryen.createType([V128]), V128, [V128, V128, V128, V128], body);
}

function addVtanh(m: M): void {
  // locals: 0 x, 1 z = x², 2 large-argument result
  const x = () => m.local.get(0, V128);
  const z = () => m.local.get(1, V128);
  const body = m.block(null, [
    m.local.set(1, m.f32x4.mul(x(), x())),
    // |x| ≥ 0.625: 1 − 2/(e^{2|x|} + 1), sign restored
    m.local.set(2, m.v128.or(
      m.f32x4.sub(f4(m, 1), m.f32x4.div(f4(m, 2), m.f32x4.add(m.call('vexp', [m.f32x4.add(m.f32x4.abs(x()), m.f32x4.abs(x()))], V128), f4(m, 1)))),
      m.v128.and(x(), i4(m, -0x80000000)),
    )),
    m.v128.bitselect(
      m.f32x4.add(m.f32x4.mul(m.f32x4.mul(horner(m, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1], z), z()), x()), x()),
      m.local.get(2, V128),
      m.f32x4.lt(m.f32x4.abs(x()), f4(m, 0.625)),
    ),
  ], V128);
  m.addFunction('vtanh', binaryen.createType([V128]), V128, [V128, V128], body);
}

/** vexp, vlog, vtanh (v128 → v128) and expf, logf, tanhf (f32 → f32). */
export function addMathFunctions(m: M): void {
  addVexp(m);
  addVlog(m);
  addVtanh(m);
  for (const name of ['exp', 'log', 'tanh']) {
    m.addFunction(`${name}f`, binaryen.createType([F32]), F32, [],
      m.f32x4.extract_lane(m.call(`v${name}`, [m.f32x4.splat(m.local.get(0, F32))], V128), 0));
  }
}
