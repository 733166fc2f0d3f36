// mse: PyTorch nn.MSELoss, mean over every element of the batch; dY = 2(y − t)/(n·size).
import { add, div, mul, sub, toF } from '../ir/kernel.js';
import { size, type LossDef } from './types.js';

export const mse: LossDef = {
  name: 'mse',
  summary: 'Mean squared error against targets shaped like the output, mean over all elements (nn.MSELoss).',
  attributes: {},
  classTargets: false,
  targetShape: (output) => output,
  flops: (output) => 3 * size(output),
  kernel(b, { outShape, y, target, loss, dY }) {
    const N = size(outShape);
    const total = b.local(0, 'f32', 'total');
    const scale = b.local(div(2, toF(b.mul(N))), 'f32', 'scale');
    b.loop(b.mul(N), (j) => {
      const d = b.local(sub(b.load(y, j), b.load(target, j)), 'f32', 'd');
      b.set(total, add(total, mul(d, d)));
      b.store(dY, j, mul(d, scale));
    }, 'j');
    b.store(loss, 0, div(total, toF(b.mul(N))));
  },
};
