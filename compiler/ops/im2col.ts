// im2col / col2im for conv2d: the window geometry is static, so the valid range of every
// kernel tap is computed here and padding costs no per-element bounds checks.
import { add, mul, type Expr, type KernelBuilder } from '../ir/kernel.js';

export interface ConvGeometry {
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  Ho: number;
  Wo: number;
}

/** Output positions o in [lo, hi) whose input o·s − p + k·d lies inside [0, size). */
function validRange(k: number, d: number, s: number, p: number, size: number, out: number): [number, number] {
  const lo = Math.max(0, Math.ceil((p - k * d) / s));
  const hi = Math.min(out, Math.floor((size - 1 + p - k * d) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

type Tap = (c: Expr, rowBase: Expr, ki: number, kj: number) => void;

function forEachTap(b: KernelBuilder, g: ConvGeometry, tap: Tap): void {
  b.loop(g.C, (c) => {
    for (let ki = 0; ki < g.kh; ki++) {
      for (let kj = 0; kj < g.kw; kj++) {
        const r = add(mul(c, g.kh * g.kw), ki * g.kw + kj);
        tap(c, mul(r, g.Ho * g.Wo), ki, kj);
      }
    }
  }, 'c');
}

/** col[(c,ki,kj), (oh,ow)] = x[c, oh·sh−ph+ki·dh, ow·sw−pw+kj·dw] (0 in the padding); col is [C·kh·kw, Ho·Wo]. */
export function im2col(b: KernelBuilder, g: ConvGeometry, x: string, xOff: Expr, col: string): void {
  forEachTap(b, g, (c, rowBase, ki, kj) => {
    const [ohLo, ohHi] = validRange(ki, g.dh, g.sh, g.ph, g.H, g.Ho);
    const [owLo, owHi] = validRange(kj, g.dw, g.sw, g.pw, g.W, g.Wo);
    const zeroRows = (from: number, to: number) => {
      if (to > from) b.range(from * g.Wo, to * g.Wo, (j) => b.store(col, add(rowBase, j), 0), 'j');
    };
    zeroRows(0, ohLo);
    zeroRows(ohHi, g.Ho);
    if (ohHi > ohLo) {
      b.range(ohLo, ohHi, (oh) => {
        const colRow = add(rowBase, mul(oh, g.Wo));
        const ih = add(mul(oh, g.sh), ki * g.dh - g.ph);
        const xRow = add(add(xOff, mul(c, g.H * g.W)), mul(ih, g.W));
        if (owLo > 0) b.range(0, owLo, (ow) => b.store(col, add(colRow, ow), 0), 'ow');
        if (owHi > owLo) {
          b.range(owLo, owHi, (ow) => {
            const iw = add(mul(ow, g.sw), kj * g.dw - g.pw);
            b.store(col, add(colRow, ow), b.load(x, add(xRow, iw)));
          }, 'ow');
        }
        if (owHi < g.Wo) b.range(owHi, g.Wo, (ow) => b.store(col, add(colRow, ow), 0), 'ow');
      }, 'oh');
    }
  });
}

/** dX[c, ih, iw] += dcol[(c,ki,kj), (oh,ow)] over every tap that read it: the adjoint of im2col. */
export function col2im(b: KernelBuilder, g: ConvGeometry, dcol: string, dX: string, xOff: Expr): void {
  forEachTap(b, g, (c, rowBase, ki, kj) => {
    const [ohLo, ohHi] = validRange(ki, g.dh, g.sh, g.ph, g.H, g.Ho);
    const [owLo, owHi] = validRange(kj, g.dw, g.sw, g.pw, g.W, g.Wo);
    if (ohHi <= ohLo || owHi <= owLo) return;
    b.range(ohLo, ohHi, (oh) => {
      const colRow = add(rowBase, mul(oh, g.Wo));
      const ih = add(mul(oh, g.sh), ki * g.dh - g.ph);
      const xRow = add(add(xOff, mul(c, g.H * g.W)), mul(ih, g.W));
      b.range(owLo, owHi, (ow) => {
        const iw = add(mul(ow, g.sw), kj * g.dw - g.pw);
        b.accumulate(dX, add(xRow, iw), b.load(dcol, add(colRow, ow)));
      }, 'ow');
    }, 'oh');
  });
}


