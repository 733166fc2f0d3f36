// The machine's WebAssembly SIMD128 peak: many independent f32x4 mul+add chains (no memory
// traffic), in a module built here with binaryen. Reported for plain SIMD128 (mul then add)
// and, where the engine runs it, relaxed SIMD's fused f32x4.relaxed_madd.
import binaryen from 'binaryen';

function build(relaxed: boolean, chains: number): Uint8Array {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.SIMD128 | (relaxed ? binaryen.Features.RelaxedSIMD : 0));
  const v = binaryen.v128;
  const i32 = binaryen.i32;
  const A = 1 + chains;
  const B = 2 + chains;
  const acc = (c: number) => m.local.get(1 + c, v);
  const body = [
    m.local.set(A, m.f32x4.splat(m.f32.const(0.999))),
    m.local.set(B, m.f32x4.splat(m.f32.const(0.001))),
    ...Array.from({ length: chains }, (_, c) => m.local.set(1 + c, m.f32x4.splat(m.f32.const(c)))),
  ];
  const ternary = (binaryen as unknown as { _BinaryenSIMDTernary(mod: number, op: number, a: number, b: number, c: number): number })._BinaryenSIMDTernary;
  const inner = [];
  for (let u = 0; u < 4; u++) {
    for (let c = 0; c < chains; c++) {
      const e = relaxed
        ? ternary(m.ptr, binaryen.RelaxedMaddVecF32x4 as unknown as number, acc(c), m.local.get(A, v), m.local.get(B, v))
        : m.f32x4.add(m.f32x4.mul(acc(c), m.local.get(A, v)), m.local.get(B, v));
      inner.push(m.local.set(1 + c, e));
    }
  }
  inner.push(m.local.set(0, m.i32.sub(m.local.get(0, i32), m.i32.const(1))));
  inner.push(m.br('L', m.i32.gt_s(m.local.get(0, i32), m.i32.const(0))));
  body.push(m.loop('L', m.block(null, inner)));
  let sum = acc(0);
  for (let c = 1; c < chains; c++) sum = m.f32x4.add(sum, acc(c));
  body.push(m.return(m.f32x4.extract_lane(sum, 0)));
  m.addFunction('run', binaryen.createType([i32]), binaryen.f32, Array.from({ length: chains + 2 }, () => v), m.block(null, body));
  m.addFunctionExport('run', 'run');
  if (!m.validate()) throw new Error('internal: peak module does not validate');
  m.optimize();
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

/** Best GFLOP/s over chain counts (a mul+add or a madd of f32x4 = 8 FLOPs). */
export async function simdPeak(relaxed: boolean): Promise<number | undefined> {
  let best = 0;
  for (const chains of [8, 10, 12, 14, 16]) {
    let run: (n: number) => number;
    try {
      const { instance } = await WebAssembly.instantiate(build(relaxed, chains) as BufferSource);
      run = instance.exports.run as (n: number) => number;
    } catch {
      return undefined;
    }
    run(10000);
    const iters = 2_000_000;
    for (let r = 0; r < 7; r++) {
      const t = performance.now();
      run(iters);
      const s = (performance.now() - t) / 1e3;
      best = Math.max(best, (iters * 4 * chains * 8) / s / 1e9);
    }
  }
  return best;
}
