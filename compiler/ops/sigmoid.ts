// sigmoid: y = 1/(1+e^-x); dX = dY·y·(1-y).
import { mul, sigmoid as sigmoidExpr, sub } from '../ir/kernel.js';
import { elementwise } from './elementwise.js';

export const sigmoid = elementwise(
  'sigmoid',
  'Logistic sigmoid, y = 1 / (1 + e^-x).',
  (x) => sigmoidExpr(x),
  (y, dY) => mul(dY, mul(y, sub(1, y))),
  4,
  'Sigmoid',
);
