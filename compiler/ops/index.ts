// The registry: the only list of ops, losses and optimizers.
import { avgpool2d } from './avgpool2d.js';
import { block } from './block.js';
import { conv2d } from './conv2d.js';
import { crossEntropy } from './cross_entropy.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { flatten } from './flatten.js';
import { lstm } from './lstm.js';
import { maxpool2d } from './maxpool2d.js';
import { mse } from './mse.js';
import { adam, sgd, type OptimizerDef } from './optimizers.js';
import { relu } from './relu.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { tanh } from './tanh.js';
import type { LossDef, OpDef } from './types.js';

export const OPS: ReadonlyMap<string, OpDef> = new Map(
  [conv2d, maxpool2d, avgpool2d, dense, lstm, dropout, relu, sigmoid, tanh, flatten, softmax, block].map(
    (op) => [op.name, op as unknown as OpDef],
  ),
);

export const LOSSES: ReadonlyMap<string, LossDef> = new Map([crossEntropy, mse].map((l) => [l.name, l]));

export const OPTIMIZERS: ReadonlyMap<string, OptimizerDef> = new Map([sgd, adam].map((o) => [o.name, o]));

export function getOp(name: string): OpDef {
  const op = OPS.get(name);
  if (!op) throw new Error(`internal: no op '${name}'`);
  return op;
}
