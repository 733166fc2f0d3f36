// relu: y = max(x, 0); PyTorch's gradient at 0 is 0.
import { cmp, max, mul, sel } from '../ir/kernel.js';
import { elementwise } from './elementwise.js';

export const relu = elementwise(
  'relu',
  'Rectified linear unit, y = max(x, 0).',
  (x) => max(x, 0),
  (y, dY) => mul(dY, sel(cmp('>', y, 0), 1, 0)),
  1,
  'Relu',
);
