// The per-layer table of `netspec check`: parameter prefix, op, output shape, parameters, FLOPs.
import { LOSSES } from './ops/index.js';
import { size } from './ops/types.js';
import type { Model } from './ir/graph.js';
import { outputShape } from './passes/shapes.js';

export interface LayerRow {
  name: string;
  op: string;
  output: number[];
  params: number;
  flops: number;
}

export interface ModelSummary {
  name: string;
  input: number[];
  output: number[];
  layers: LayerRow[];
  totalParams: number;
  /** Forward FLOPs per sample (a multiply-add counts 2), loss excluded. */
  totalFlops: number;
  loss?: string;
  optimizer?: string;
  /** Arena bytes at a given maximum batch, when a memory plan was made. */
  arenaBytes?: number;
  maxBatch?: number;
}

export function summarize(model: Model): ModelSummary {
  const layers = model.nodes.map((n) => ({
    name: n.prefix,
    op: n.op.name,
    output: [...n.outShape],
    params: (n.op.params?.(n.attrs, n.inShape, n.outShape) ?? []).reduce((a, p) => a + size(p.shape), 0),
    flops: n.op.flops(n.attrs, n.inShape, n.outShape),
  }));
  return {
    name: model.name,
    input: [...model.inputShape],
    output: [...outputShape(model)],
    layers,
    totalParams: layers.reduce((a, l) => a + l.params, 0),
    totalFlops: layers.reduce((a, l) => a + l.flops, 0),
    loss: model.loss && LOSSES.get(model.loss.name)!.name,
    optimizer: model.optimizer && model.optimizer.kind,
  };
}

const num = (n: number) => n.toLocaleString('en-US');

export function formatSummary(s: ModelSummary): string {
  const head = ['layer', 'op', 'output', 'params', 'FLOPs'];
  const rows = s.layers.map((l) => [l.name, l.op, `[${l.output.join(', ')}]`, num(l.params), num(l.flops)]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length), c === 3 ? num(s.totalParams).length : 0, c === 4 ? num(s.totalFlops).length : 0));
  const right = [false, false, false, true, true];
  const line = (r: string[]) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [`${s.name}: input [${s.input.join(', ')}] → output [${s.output.join(', ')}]`, line(head), rule, ...rows.map(line), rule];
  out.push(line(['total', '', '', num(s.totalParams), num(s.totalFlops)]));
  const extras = [s.loss && `loss ${s.loss}`, s.optimizer && `optimizer ${s.optimizer}`];
  if (s.arenaBytes !== undefined) extras.push(`arena ${num(s.arenaBytes)} bytes at max batch ${s.maxBatch}`);
  const e = extras.filter(Boolean).join(', ');
  if (e) out.push(e);
  return out.join('\n');
}
