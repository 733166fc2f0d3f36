// tanh: dX = dY·(1-y²).
import { mul, sub, tanh as tanhExpr } from '../ir/kernel.js';
import { elementwise } from './elementwise.js';

export const tanh = elementwise(
  'tanh',
  'Hyperbolic tangent.',
  (x) => tanhExpr(x),
  (y, dY) => mul(dY, sub(1, mul(y, y))),
  4,
  'Tanh',
);
