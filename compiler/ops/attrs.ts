// Schema fragments shared by several ops' attribute tables.
import type { JsonSchema } from './types.js';

/** A spatial size: an int, or `[h, w]`. */
export function sizeAttr(description: string, min: number, max: number, dflt?: number): JsonSchema {
  const int = { type: 'integer', minimum: min, maximum: max };
  return {
    description,
    ...(dflt === undefined ? {} : { default: dflt }),
    anyOf: [int, { type: 'array', items: int, minItems: 2, maxItems: 2 }],
  };
}

export function intAttr(description: string, min: number, max: number, dflt?: number): JsonSchema {
  return { description, type: 'integer', minimum: min, maximum: max, ...(dflt === undefined ? {} : { default: dflt }) };
}

export function boolAttr(description: string, dflt: boolean): JsonSchema {
  return { description, type: 'boolean', default: dflt };
}

/** Limits that keep a spec from asking for more than any machine has (docs/spec.md, "Limits"). */
export const LIMITS = {
  maxChannels: 65536,
  maxKernel: 1024,
  maxUnits: 1 << 20,
  maxHidden: 16384,
  maxLstmLayers: 64,
  /** Parameters of one layer, and of the whole model (4 GiB of float32 with gradients and Adam state). */
  maxLayerParams: 1 << 27,
  maxModelParams: 1 << 28,
  /** Elements of one activation per sample, and of all activations per sample. */
  maxActivation: 1 << 26,
  maxModelActivations: 1 << 28,
  maxDimension: 1 << 24,
};
