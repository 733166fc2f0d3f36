// Optimizers: their spec attributes and defaults (torch.optim's). The update rules run in
// runtime/optim.ts, as one pass over the parameter arena.
import type { JsonSchema } from './types.js';

export interface OptimizerDef {
  name: string;
  summary: string;
  attributes: Record<string, JsonSchema>;
  required: readonly string[];
  defaults: Record<string, unknown>;
}

const nonNegative = (description: string, dflt?: number): JsonSchema => ({
  description,
  type: 'number',
  minimum: 0,
  ...(dflt === undefined ? {} : { default: dflt }),
});

export const sgd: OptimizerDef = {
  name: 'sgd',
  summary: 'Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD).',
  attributes: {
    lr: { description: 'Learning rate.', type: 'number', exclusiveMinimum: 0 },
    momentum: nonNegative('Momentum factor.', 0),
    dampening: nonNegative('Dampening for momentum.', 0),
    nesterov: { description: 'Nesterov momentum (needs momentum > 0 and dampening 0).', type: 'boolean', default: false },
    weight_decay: nonNegative('L2 penalty.', 0),
  },
  required: ['lr'],
  defaults: { momentum: 0, dampening: 0, nesterov: false, weight_decay: 0 },
};

export const adam: OptimizerDef = {
  name: 'adam',
  summary: 'Adam with L2 weight decay (torch.optim.Adam).',
  attributes: {
    lr: { description: 'Learning rate.', type: 'number', exclusiveMinimum: 0, default: 0.001 },
    betas: {
      description: 'Coefficients for the running averages of the gradient and its square.',
      type: 'array',
      items: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      minItems: 2,
      maxItems: 2,
      default: [0.9, 0.999],
    },
    eps: { description: 'Added to the denominator for numerical stability.', type: 'number', exclusiveMinimum: 0, default: 1e-8 },
    weight_decay: nonNegative('L2 penalty.', 0),
  },
  required: [],
  defaults: { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 },
};
