// cross_entropy: PyTorch nn.CrossEntropyLoss (log-softmax + NLL, mean over the batch) with
// integer class targets; the softmax is fused into the backward: dY = (softmax(y) − onehot)/n.
import { add, cmp, div, exp, log, max, mul, sel, sub, toF, toI } from '../ir/kernel.js';
import type { LossDef } from './types.js';

export const crossEntropy: LossDef = {
  name: 'cross_entropy',
  summary: 'Softmax cross-entropy with integer class targets, mean over the batch (nn.CrossEntropyLoss).',
  attributes: {},
  classTargets: true,
  targetShape(output, ctx) {
    if (output.length !== 1) {
      ctx.error(`cross_entropy needs a [classes] output, got [${output.join(',')}] ${ctx.from}`, {
        hint: output.length === 2 ? "give the lstm output: last, or flatten and add a dense layer" : 'add flatten and a dense layer with one unit per class',
      });
      return undefined;
    }
    if (output[0] < 2) {
      ctx.error(`cross_entropy needs at least 2 classes, got an output of [${output[0]}] ${ctx.from}`, {
        hint: 'for one output unit use mse, or give the last dense layer one unit per class',
      });
      return undefined;
    }
    return [];
  },
  flops: (output) => 5 * output[0],
  kernel(b, { outShape, y, target, loss, dY }) {
    const C = outShape[0];
    const total = b.local(0, 'f32', 'total');
    const invN = b.local(div(1, toF(b.n)), 'f32', 'invN');
    b.loop(b.n, (s) => {
      const base = mul(s, C);
      const m = b.local(b.load(y, base), 'f32', 'm');
      b.range(1, C, (j) => b.set(m, max(m, b.load(y, add(base, j)))), 'j');
      const z = b.local(0, 'f32', 'z');
      b.loop(C, (j) => b.set(z, add(z, exp(sub(b.load(y, add(base, j)), m)))), 'j');
      const cls = b.local(toI(b.load(target, s)), 'i32', 'cls');
      // −log softmax(y)[cls] = log Σ e^(y−m) + m − y[cls]
      b.set(total, add(total, sub(add(log(z), m), b.load(y, add(base, cls)))));
      const invZ = b.local(div(1, z), 'f32', 'invZ');
      b.loop(C, (j) => {
        const p = mul(exp(sub(b.load(y, add(base, j)), m)), invZ);
        b.store(dY, add(base, j), mul(sub(p, sel(cmp('==', j, cls), 1, 0)), invN));
      }, 'j');
    }, 's');
    b.store(loss, 0, mul(total, invN));
  },
};
