// What maxpool2d and avgpool2d share: attributes, the output-size rule, and a loop over
// every window tap that skips the padding.
import { add, and, cmp, div, i, mul, sub, type Expr, type KernelBuilder } from '../ir/kernel.js';
import { LIMITS, sizeAttr } from './attrs.js';
import { pair, type JsonSchema, type ShapeContext, type Shape } from './types.js';

export interface PoolAttrs extends Record<string, unknown> {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
}

export const poolAttributes: Record<string, JsonSchema> = {
  kernel: sizeAttr('Window size, k or [kh, kw].', 1, LIMITS.maxKernel),
  stride: sizeAttr('Step between windows, s or [sh, sw]; defaults to the kernel size.', 1, LIMITS.maxKernel),
  padding: sizeAttr('Implicit padding on each side, at most half the kernel.', 0, LIMITS.maxKernel, 0),
};

export function normalizePool(a: Record<string, unknown>): PoolAttrs {
  const kernel = pair(a.kernel);
  return { kernel, stride: a.stride === undefined ? kernel : pair(a.stride), padding: pair(a.padding ?? 0) };
}

export function inferPoolShape(a: PoolAttrs, input: Shape, ctx: ShapeContext): Shape | undefined {
  if (input.length !== 3) {
    ctx.error(`${ctx.label} needs a [C,H,W] input, got [${input.join(',')}] ${ctx.from}`);
    return undefined;
  }
  const [C, H, W] = input;
  const [kh, kw] = a.kernel;
  const [ph, pw] = a.padding;
  if (2 * ph > kh || 2 * pw > kw) {
    ctx.error(`${ctx.label} padding ${ph}×${pw} is more than half its kernel ${kh}×${kw}`, {
      attr: 'padding',
      hint: `use padding of at most ${Math.floor(kh / 2)}×${Math.floor(kw / 2)}`,
    });
    return undefined;
  }
  if (kh > H + 2 * ph || kw > W + 2 * pw) {
    ctx.error(`${ctx.label} kernel ${kh}×${kw} is larger than its padded input ${H + 2 * ph}×${W + 2 * pw} (input [${input.join(',')}] ${ctx.from})`, {
      attr: 'kernel',
      hint: 'use a smaller kernel, or remove a pooling layer before it',
    });
    return undefined;
  }
  return [C, Math.floor((H + 2 * ph - kh) / a.stride[0]) + 1, Math.floor((W + 2 * pw - kw) / a.stride[1]) + 1];
}

/**
 * For every output element (s, c, oh, ow): `fn(outIndex, sampleBase, taps, tapInput)` where
 * `taps(visit)` calls visit(inIndex, tap) for each window position inside the input, in
 * PyTorch's scan order (tap = ki·kw + kj, its place in the window), and `tapInput(tap)` is
 * the input index of a window's tap. Input indices are relative to sampleBase.
 */
export function forEachWindow(
  b: KernelBuilder,
  a: PoolAttrs,
  input: Shape,
  output: Shape,
  fn: (outIdx: Expr, sampleBase: Expr, taps: (visit: (inIdx: Expr, tap: Expr) => void) => void, tapInput: (tap: Expr) => Expr) => void,
): void {
  const [C, H, W] = input;
  const [, Ho, Wo] = output;
  const [kh, kw] = a.kernel;
  const [sh, sw] = a.stride;
  const [ph, pw] = a.padding;
  b.loop(b.n, (s) => {
    const sampleBase = mul(s, C * H * W);
    b.loop(C, (c) => {
      b.loop(Ho, (oh) => {
        b.loop(Wo, (ow) => {
          const outIdx = add(mul(s, C * Ho * Wo), add(mul(c, Ho * Wo), add(mul(oh, Wo), ow)));
          const at = (ki: Expr, kj: Expr) => add(mul(c, H * W), add(mul(add(mul(oh, sh), sub0(ki, ph)), W), add(mul(ow, sw), sub0(kj, pw))));
          const tapInput = (tap: Expr) => {
            if (kw === 1) return at(tap, i(0));
            const ki = div(tap, kw); // i32: truncating
            return at(ki, sub(tap, mul(ki, kw)));
          };
          fn(outIdx, sampleBase, (visit) => {
            b.loop(kh, (ki) => {
              const ih = add(mul(oh, sh), sub0(ki, ph));
              b.loop(kw, (kj) => {
                const iw = add(mul(ow, sw), sub0(kj, pw));
                const inIdx = at(ki, kj);
                const tap = add(mul(ki, kw), kj);
                if (ph === 0 && pw === 0) visit(inIdx, tap);
                else b.when(and(and(cmp('>=', ih, 0), cmp('<', ih, H)), and(cmp('>=', iw, 0), cmp('<', iw, W))), () => visit(inIdx, tap));
              }, 'kj');
            }, 'ki');
          }, tapInput);
        }, 'ow');
      }, 'oh');
    }, 'c');
  }, 's');
}

const sub0 = (v: Expr, p: number): Expr => (p === 0 ? v : add(v, -p));
