// The reference networks as the bench runs them: the checked model, netspec's compiled form,
// a seeded batch of inputs and targets, and one set of initial weights every system shares.
import { readFileSync } from 'node:fs';
import { compileModel, type Compiled } from '../compiler/build.js';
import type { Model } from '../compiler/ir/graph.js';
import { checkSource } from '../compiler/pipeline.js';
import { createRng } from '../runtime/rng.js';

export const NET_NAMES = ['cnn', 'rnn', 'autoencoder'] as const;
export type NetName = (typeof NET_NAMES)[number];
export const BATCH = 64;

export interface Net {
  name: NetName;
  model: Model;
  compiled: Compiled;
  inShape: number[];
  outShape: number[];
  classes?: number;
  /** [BATCH, ...input] */
  x: Float32Array;
  /** class indices [BATCH] or values [BATCH, ...output] */
  y: Float32Array;
  flopsPerSample: number;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

export function loadNet(name: NetName): Net {
  const path = `specs/${name}.yaml`;
  const r = checkSource(path, readFileSync(path, 'utf8'));
  if (!r.model) throw new Error(`${path} does not check`);
  const compiled = compileModel(r.model);
  const d = compiled.description;
  const rng = createRng(7);
  const x = Float32Array.from({ length: BATCH * size(d.input.shape) }, () => rng.uniform());
  const classes = d.target?.classes;
  const y = classes !== undefined ? Float32Array.from({ length: BATCH }, () => Math.floor(rng.uniform() * classes)) : x.slice();
  return { name, model: r.model, compiled, inShape: d.input.shape, outShape: d.output.shape, classes, x, y, flopsPerSample: d.flops };
}

/** What the bench asks of every system on every network (a step runs to completion before returning). */
export interface Runner {
  trainStep?: () => unknown;
  infer1: () => unknown;
  infer64: () => unknown;
  /** Why it cannot train, when it cannot. */
  note?: string;
  dispose?: () => void;
}
