// dense: y = x·Wᵀ + b, PyTorch's nn.Linear. W is [units, in].
import { add, i, mul, type KernelBuilder } from '../ir/kernel.js';
import { boolAttr, intAttr, LIMITS } from './attrs.js';
import type { OpDef } from './types.js';

interface DenseAttrs extends Record<string, unknown> {
  units: number;
  bias: boolean;
}

export const dense: OpDef<DenseAttrs> = {
  name: 'dense',
  summary: 'Fully connected layer, y = x·Wᵀ + b (PyTorch nn.Linear); weight [units, in], bias [units].',
  attributes: {
    units: intAttr('Output features.', 1, LIMITS.maxUnits),
    bias: boolAttr('Learn an additive bias.', true),
  },
  required: ['units'],
  normalize: (a) => ({ units: a.units as number, bias: (a.bias as boolean | undefined) ?? true }),
  inferShape(a, input, ctx) {
    if (input.length !== 1) {
      ctx.error(`${ctx.label} needs a flat input, got [${input.join(',')}] ${ctx.from}`, {
        hint: input.length === 2 ? 'insert flatten before it (or give the lstm before it output: last)' : 'insert flatten before it',
      });
      return undefined;
    }
    return [a.units];
  },
  params(a, input) {
    const bound = 1 / Math.sqrt(input[0]);
    const w = { suffix: 'weight', shape: [a.units, input[0]], init: { kind: 'uniform' as const, bound } };
    return a.bias ? [w, { suffix: 'bias', shape: [a.units], init: { kind: 'uniform', bound } }] : [w];
  },
  // [n,in]·Wᵀ[in,out] + b: Gemm with transB keeps W in PyTorch's [out,in] layout
  onnx: (g, { attrs: a, x }) => g.node('Gemm', a.bias ? [x, g.param('weight'), g.param('bias')] : [x, g.param('weight')], { transB: 1 })[0],
  flops: (a, input) => 2 * input[0] * a.units + (a.bias ? a.units : 0),
  forward(b: KernelBuilder, { attrs, inShape, x, y, params }) {
    const IN = inShape[0];
    const OUT = attrs.units;
    // [n,in]·[in,out] → [n,out]; W is stored [out,in], so B(k,o) = W[o*IN + k].
    b.gemm({
      M: b.n,
      N: OUT,
      K: i(IN),
      A: { buf: x, off: i(0), rs: IN, cs: 1 },
      B: { buf: params.weight, off: i(0), rs: 1, cs: IN },
      C: { buf: y, off: i(0), rs: OUT, cs: 1 },
      accumulate: false,
      bias: attrs.bias ? { buf: params.bias, off: i(0), along: 'n' } : undefined,
    });
  },
  backward(b: KernelBuilder, { attrs, inShape, x, params, dY, dX, dXAccumulate, dParams }) {
    const IN = inShape[0];
    const OUT = attrs.units;
    // dW[out,in] = dYᵀ[out,n]·x[n,in]
    b.gemm({
      M: i(OUT),
      N: IN,
      K: b.n,
      A: { buf: dY, off: i(0), rs: 1, cs: OUT },
      B: { buf: x, off: i(0), rs: IN, cs: 1 },
      C: { buf: dParams.weight, off: i(0), rs: IN, cs: 1 },
      accumulate: false,
    });
    if (attrs.bias) {
      // db[o] = Σ_s dY[s,o]
      b.loop(OUT, (o) => {
        const acc = b.local(0, 'f32', 'acc');
        b.loop(b.n, (s) => b.set(acc, add(acc, b.load(dY, add(mul(s, OUT), o)))), 's');
        b.store(dParams.bias, o, acc);
      }, 'o');
    }
    if (dX) {
      // dX[n,in] = dY[n,out]·W[out,in]
      b.gemm({
        M: b.n,
        N: IN,
        K: i(OUT),
        A: { buf: dY, off: i(0), rs: OUT, cs: 1 },
        B: { buf: params.weight, off: i(0), rs: IN, cs: 1 },
        C: { buf: dX, off: i(0), rs: IN, cs: 1 },
        accumulate: dXAccumulate,
      });
    }
  },
};
