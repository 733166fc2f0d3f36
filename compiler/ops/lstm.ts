// lstm: PyTorch nn.LSTM (batch_first) over a [T, F] input, gate order i, f, g, o.
// Per layer: the input projections of all steps as one GEMM, then per step one GEMM for the
// recurrent projection and a pointwise cell update. Gates (activated), c and h are saved
// for the backward pass through time.
import { add, cmp, i, mul, sigmoid, sub, tanh, type Expr, type KernelBuilder } from '../ir/kernel.js';
import { boolAttr, intAttr, LIMITS } from './attrs.js';
import type { OpDef, ParamDef, ScratchDef } from './types.js';

interface LstmAttrs extends Record<string, unknown> {
  hidden: number;
  layers: number;
  output: 'last' | 'sequence';
  bias: boolean;
}

export const lstm: OpDef<LstmAttrs> = {
  name: 'lstm',
  summary: 'Stacked LSTM over a [T, features] sequence (nn.LSTM, batch_first); output the last step [H] or the sequence [T, H].',
  attributes: {
    hidden: intAttr('Hidden units H.', 1, LIMITS.maxHidden),
    layers: intAttr('Stacked layers.', 1, LIMITS.maxLstmLayers, 1),
    output: { description: "'last': the top layer's final step [H]; 'sequence': every step [T, H].", enum: ['last', 'sequence'], default: 'last' },
    bias: boolAttr('Learn bias_ih and bias_hh.', true),
  },
  required: ['hidden'],
  normalize: (a) => ({
    hidden: a.hidden as number,
    layers: (a.layers as number | undefined) ?? 1,
    output: (a.output as 'last' | 'sequence' | undefined) ?? 'last',
    bias: (a.bias as boolean | undefined) ?? true,
  }),
  inferShape(a, input, ctx) {
    if (input.length !== 2) {
      ctx.error(`${ctx.label} needs a [T, features] input, got [${input.join(',')}] ${ctx.from}`, {
        hint: 'give the model input as [time steps, features]',
      });
      return undefined;
    }
    return a.output === 'last' ? [a.hidden] : [input[0], a.hidden];
  },
  params(a, input) {
    const H = a.hidden;
    const init = { kind: 'uniform' as const, bound: 1 / Math.sqrt(H) };
    const out: ParamDef[] = [];
    for (let l = 0; l < a.layers; l++) {
      const inF = l === 0 ? input[1] : H;
      out.push({ suffix: `weight_ih_l${l}`, shape: [4 * H, inF], init }, { suffix: `weight_hh_l${l}`, shape: [4 * H, H], init });
      if (a.bias) out.push({ suffix: `bias_ih_l${l}`, shape: [4 * H], init }, { suffix: `bias_hh_l${l}`, shape: [4 * H], init });
    }
    return out;
  },
  scratch(a, input) {
    const [T] = input;
    const H = a.hidden;
    const s = (name: string, size: number, lifetime: 'saved' | 'temp'): ScratchDef => ({ name, size, batched: true, lifetime });
    const out: ScratchDef[] = [];
    for (let l = 0; l < a.layers; l++) out.push(s(`gates${l}`, T * 4 * H, 'saved'), s(`c${l}`, T * H, 'saved'), s(`h${l}`, T * H, 'saved'));
    out.push(s('dgates', T * 4 * H, 'temp'), s('dh', T * H, 'temp'), s('dhBelow', T * H, 'temp'), s('dhNext', H, 'temp'), s('dcNext', H, 'temp'));
    return out;
  },
  // One ONNX LSTM per layer over time-major [T,n,F]. Gates reordered from PyTorch's i,f,g,o
  // to ONNX's i,o,f,c; B = [bias_ih; bias_hh]. Y [T,1,n,H], Y_h [1,n,H].
  onnx(g, { attrs: a, inShape, x }) {
    const H = a.hidden;
    const iofc = (w: Float32Array) => {
      const out = new Float32Array(w.length);
      const q = w.length / 4;
      [0, 3, 1, 2].forEach((from, to) => out.set(w.subarray(from * q, (from + 1) * q), to * q));
      return out;
    };
    let seq = g.node('Transpose', [x], { perm: [1, 0, 2] })[0]; // [n,T,F] → [T,n,F]
    let last = '';
    for (let l = 0; l < a.layers; l++) {
      const inF = l === 0 ? inShape[1] : H;
      const inputs = [
        seq,
        g.initializer(`W_l${l}`, [1, 4 * H, inF], iofc(g.paramData(`weight_ih_l${l}`))),
        g.initializer(`R_l${l}`, [1, 4 * H, H], iofc(g.paramData(`weight_hh_l${l}`))),
      ];
      if (a.bias) {
        const B = new Float32Array(8 * H);
        B.set(iofc(g.paramData(`bias_ih_l${l}`)));
        B.set(iofc(g.paramData(`bias_hh_l${l}`)), 4 * H);
        inputs.push(g.initializer(`B_l${l}`, [1, 8 * H], B));
      }
      const [y, yh] = g.node('LSTM', inputs, { hidden_size: H }, 2);
      if (l < a.layers - 1 || a.output === 'sequence') seq = g.node('Squeeze', [y, g.int64s([1])])[0]; // [T,n,H]
      last = yh;
    }
    return a.output === 'last'
      ? g.node('Squeeze', [last, g.int64s([0])])[0] // [n,H]
      : g.node('Transpose', [seq], { perm: [1, 0, 2] })[0]; // [n,T,H]
  },
  flops(a, input) {
    const [T, F] = input;
    const H = a.hidden;
    let total = 0;
    for (let l = 0; l < a.layers; l++) {
      const inF = l === 0 ? F : H;
      total += T * (2 * 4 * H * (inF + H) + (a.bias ? 8 * H : 0) + 10 * H);
    }
    return total;
  },
  forward(b, { attrs, inShape, x, y, params, scratch: sc }) {
    const [T, F] = inShape;
    const H = attrs.hidden;
    const G = 4 * H;
    for (let l = 0; l < attrs.layers; l++) {
      const inF = l === 0 ? F : H;
      const X = l === 0 ? x : sc[`h${l - 1}`];
      const gates = sc[`gates${l}`];
      const c = sc[`c${l}`];
      const h = sc[`h${l}`];
      const Whh = params[`weight_hh_l${l}`];
      // [n·T, in]·[in, 4H] → [n·T, 4H] + bias_ih, for every step at once
      b.gemm({
        M: b.mul(T), N: G, K: i(inF),
        A: { buf: X, off: i(0), rs: inF, cs: 1 },
        B: { buf: params[`weight_ih_l${l}`], off: i(0), rs: 1, cs: inF },
        C: { buf: gates, off: i(0), rs: G, cs: 1 },
        accumulate: false,
        bias: attrs.bias ? { buf: params[`bias_ih_l${l}`], off: i(0), along: 'n' } : undefined,
      });
      if (attrs.bias) {
        b.loop(b.mul(T), (r) => b.loop(G, (g) => b.accumulate(gates, add(mul(r, G), g), b.load(params[`bias_hh_l${l}`], g)), 'g'), 'r');
      }
      b.loop(T, (t) => {
        // gates_t += h_{t-1}·W_hhᵀ: [n, H]·[H, 4H]
        b.when(cmp('>', t, 0), () =>
          b.gemm({
            M: b.n, N: G, K: i(H),
            A: { buf: h, off: mul(add(t, -1), H), rs: T * H, cs: 1 },
            B: { buf: Whh, off: i(0), rs: 1, cs: H },
            C: { buf: gates, off: mul(t, G), rs: T * G, cs: 1 },
            accumulate: true,
          }),
        );
        b.loop(b.n, (s) => {
          b.loop(H, (j) => {
            const gb = add(add(mul(s, T * G), mul(t, G)), j);
            const hb = add(add(mul(s, T * H), mul(t, H)), j);
            const ig = b.local(sigmoid(b.load(gates, gb)), 'f32', 'ig');
            const fg = b.local(sigmoid(b.load(gates, add(gb, H))), 'f32', 'fg');
            const gg = b.local(tanh(b.load(gates, add(gb, 2 * H))), 'f32', 'gg');
            const og = b.local(sigmoid(b.load(gates, add(gb, 3 * H))), 'f32', 'og');
            b.store(gates, gb, ig);
            b.store(gates, add(gb, H), fg);
            b.store(gates, add(gb, 2 * H), gg);
            b.store(gates, add(gb, 3 * H), og);
            const cPrev = b.local(0, 'f32', 'cp');
            b.when(cmp('>', t, 0), () => b.set(cPrev, b.load(c, add(hb, -H))));
            const cNew = b.local(add(mul(fg, cPrev), mul(ig, gg)), 'f32', 'cn');
            b.store(c, hb, cNew);
            b.store(h, hb, mul(og, tanh(cNew)));
          }, 'j');
        }, 's');
      }, 't');
    }
    const top = sc[`h${attrs.layers - 1}`];
    if (attrs.output === 'last') {
      b.loop(b.n, (s) => b.loop(H, (j) => b.store(y, add(mul(s, H), j), b.load(top, add(add(mul(s, T * H), (T - 1) * H), j))), 'j'), 's');
    } else {
      b.loop(b.mul(T * H), (j) => b.store(y, j, b.load(top, j)), 'j');
    }
  },
  backward(b, { attrs, inShape, x, params, scratch: sc, dY, dX, dXAccumulate, dParams }) {
    const [T, F] = inShape;
    const H = attrs.hidden;
    const G = 4 * H;
    let dh = sc.dh;
    let dhBelow = sc.dhBelow;
    // dL/dh of the top layer's output sequence
    if (attrs.output === 'last') {
      b.fill(dh, b.mul(T * H));
      b.loop(b.n, (s) => b.loop(H, (j) => b.store(dh, add(add(mul(s, T * H), (T - 1) * H), j), b.load(dY, add(mul(s, H), j))), 'j'), 's');
    } else {
      b.loop(b.mul(T * H), (j) => b.store(dh, j, b.load(dY, j)), 'j');
    }
    for (let l = attrs.layers - 1; l >= 0; l--) {
      const inF = l === 0 ? F : H;
      const X = l === 0 ? x : sc[`h${l - 1}`];
      const gates = sc[`gates${l}`];
      const c = sc[`c${l}`];
      const h = sc[`h${l}`];
      const dg = sc.dgates;
      const Whh = params[`weight_hh_l${l}`];
      b.fill(sc.dhNext, b.mul(H));
      b.fill(sc.dcNext, b.mul(H));
      b.loop(T, (tt) => {
        const t = add(T - 1, mul(tt, -1)); // T-1 … 0
        b.loop(b.n, (s) => {
          b.loop(H, (j) => cellBackward(b, { gates, c, dh, dg, dhNext: sc.dhNext, dcNext: sc.dcNext }, s, t, j, T, H));
        }, 's');
        // dh_{t-1} from the recurrence: dgates_t[n, 4H]·W_hh[4H, H]
        b.gemm({
          M: b.n, N: H, K: i(G),
          A: { buf: dg, off: mul(t, G), rs: T * G, cs: 1 },
          B: { buf: Whh, off: i(0), rs: H, cs: 1 },
          C: { buf: sc.dhNext, off: i(0), rs: H, cs: 1 },
          accumulate: false,
        });
      }, 'tt');
      // dW_ih[4H, in] = dgatesᵀ[4H, n·T]·X[n·T, in]
      b.gemm({
        M: i(G), N: inF, K: b.mul(T),
        A: { buf: dg, off: i(0), rs: 1, cs: G },
        B: { buf: X, off: i(0), rs: inF, cs: 1 },
        C: { buf: dParams[`weight_ih_l${l}`], off: i(0), rs: inF, cs: 1 },
        accumulate: false,
      });
      // dW_hh[4H, H] = Σ_{t≥1} dgates_tᵀ[4H, n]·h_{t-1}[n, H]
      b.fill(dParams[`weight_hh_l${l}`], G * H);
      b.range(1, T, (t) =>
        b.gemm({
          M: i(G), N: H, K: b.n,
          A: { buf: dg, off: mul(t, G), rs: 1, cs: T * G },
          B: { buf: h, off: mul(add(t, -1), H), rs: T * H, cs: 1 },
          C: { buf: dParams[`weight_hh_l${l}`], off: i(0), rs: H, cs: 1 },
          accumulate: true,
        }), 't');
      if (attrs.bias) {
        b.loop(G, (g) => {
          const acc = b.local(0, 'f32', 'acc');
          b.loop(b.mul(T), (r) => b.set(acc, add(acc, b.load(dg, add(mul(r, G), g)))), 'r');
          b.store(dParams[`bias_ih_l${l}`], g, acc);
          b.store(dParams[`bias_hh_l${l}`], g, acc);
        }, 'g');
      }
      // the layer's input gradient: dgates[n·T, 4H]·W_ih[4H, in]
      const target = l > 0 ? dhBelow : dX;
      if (target) {
        b.gemm({
          M: b.mul(T), N: inF, K: i(G),
          A: { buf: dg, off: i(0), rs: G, cs: 1 },
          B: { buf: params[`weight_ih_l${l}`], off: i(0), rs: inF, cs: 1 },
          C: { buf: target, off: i(0), rs: inF, cs: 1 },
          accumulate: l === 0 && dXAccumulate,
        });
      }
      [dh, dhBelow] = [dhBelow, dh];
    }
  },
};

const ii = (v: number): Expr => ({ k: 'i', v });

interface CellBufs {
  gates: string;
  c: string;
  dh: string;
  dg: string;
  dhNext: string;
  dcNext: string;
}

/** One hidden unit j of sample s at step t: the LSTM cell's chain rule, gates pre-activation. */
function cellBackward(b: KernelBuilder, z: CellBufs, s: Expr, t: Expr, j: Expr, T: number, H: number): void {
  const G = 4 * H;
  const gb = add(add(mul(s, T * G), mul(t, G)), j);
  const hb = add(add(mul(s, T * H), mul(t, H)), j);
  const nb = add(mul(s, H), j);
  const ig = b.local(b.load(z.gates, gb), 'f32', 'ig');
  const fg = b.local(b.load(z.gates, add(gb, H)), 'f32', 'fg');
  const gg = b.local(b.load(z.gates, add(gb, 2 * H)), 'f32', 'gg');
  const og = b.local(b.load(z.gates, add(gb, 3 * H)), 'f32', 'og');
  const dh = b.local(add(b.load(z.dh, hb), b.load(z.dhNext, nb)), 'f32', 'dh');
  const tc = b.local(tanh(b.load(z.c, hb)), 'f32', 'tc');
  const dc = b.local(add(mul(mul(dh, og), sub(1, mul(tc, tc))), b.load(z.dcNext, nb)), 'f32', 'dc');
  const cPrev = b.local(0, 'f32', 'cp');
  b.when(cmp('>', t, 0), () => b.set(cPrev, b.load(z.c, add(hb, -H))));
  b.store(z.dcNext, nb, mul(dc, fg));
  b.store(z.dg, gb, mul(mul(dc, gg), mul(ig, sub(1, ig))));
  b.store(z.dg, add(gb, H), mul(mul(dc, cPrev), mul(fg, sub(1, fg))));
  b.store(z.dg, add(gb, 2 * H), mul(mul(dc, ig), sub(1, mul(gg, gg))));
  b.store(z.dg, add(gb, 3 * H), mul(mul(dh, tc), mul(og, sub(1, og))));
}
