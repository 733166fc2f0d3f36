// From the layers recovered from an ONNX graph to a netspec spec and its weights: names and
// blocks from the PyTorch-style prefixes the graph carries (`conv1.weight`, `features.0`,
// `/fc/Gemm`), attributes written only where they differ from the defaults, the YAML checked
// by the front end like any spec, tensors named as the spec's parameters.
import { basename } from 'node:path';
import { NetspecError } from '../../runtime/errors.js';
import { writeSafetensors, type TensorToWrite } from '../../runtime/safetensors.js';
import type { Model } from '../ir/graph.js';
import { getOp } from '../ops/index.js';
import { parametersOf } from '../passes/shapes.js';
import { checkSource } from '../pipeline.js';
import { renderDiagnostic } from '../source/diagnostic.js';
import { VERSION } from '../version.js';
import { readOnnxGraph, type ImportedGraph, type ImportedLayer } from './onnx.js';

export interface ImportOptions {
  /** The spec's path (diagnostics, and the model name when the graph's is PyTorch's default). */
  specPath: string;
  name?: string;
}

export interface ImportResult {
  yaml: string;
  weights: Uint8Array;
  model: Model;
  graph: ImportedGraph;
  /** Tensors whose name changed: [ONNX initializer, netspec parameter]. */
  renamed: [string, string][];
  /** Things a user should know (gaps filled with dropout). */
  notes: string[];
}

interface Slot {
  layer: ImportedLayer;
  name?: string;
  filler?: boolean;
}
interface Block {
  block: string;
  layers: Item[];
}
type Item = Slot | Block;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INDEX = /^\d+$/;
/** How many missing positions (modules without a node, such as dropout at inference) a prefix may skip. */
const MAX_GAP = 4;

const filler = (): Slot => ({ layer: { op: 'dropout', attrs: { p: 0.5 }, params: [], node: '', inShape: [] }, filler: true });

/**
 * Puts a layer where its prefix says: `name` (top level, named), `layers.i` or `i` (top level,
 * position i), `b.i` / `b.c.name` (in block b, or block c inside it). False when the prefix does
 * not fit what is already placed (a reused name, a position already taken).
 */
function placeByHint(items: Item[], names: Set<string>, layer: ImportedLayer): boolean {
  const parts = layer.hint?.split('.') ?? [];
  if (parts.length === 0 || !parts.slice(0, -1).every((b) => IDENT.test(b))) return false;
  if (parts.length === 2 && parts[0] === 'layers') parts.shift();
  const leaf = parts.pop()!;
  let container = items;
  let creating = false;
  const created: [Item[], Block][] = [];
  for (const b of parts) {
    const last = container[container.length - 1];
    if (!creating && last && 'block' in last && last.block === b) {
      container = last.layers;
      continue;
    }
    if (b === 'layers' || names.has(b) || created.some(([, k]) => k.block === b)) return false;
    const blk: Block = { block: b, layers: [] };
    created.push([container, blk]);
    container = blk.layers;
    creating = true;
  }
  let slots: Slot[];
  if (INDEX.test(leaf)) {
    const gap = Number(leaf) - container.length;
    if (gap < 0 || gap > MAX_GAP) return false;
    slots = [...Array.from({ length: gap }, filler), { layer }];
  } else if (IDENT.test(leaf) && !names.has(leaf) && !created.some(([, k]) => k.block === leaf)) {
    slots = [{ layer, name: leaf }];
    names.add(leaf);
  } else return false;
  for (const [into, blk] of created) {
    into.push(blk);
    names.add(blk.block);
  }
  container.push(...slots);
  return true;
}

/** The spec's items: each layer where its prefix puts it, else unnamed at the top level. */
function arrange(layers: readonly ImportedLayer[]): Item[] {
  const items: Item[] = [];
  const names = new Set<string>();
  for (const layer of layers) if (!placeByHint(items, names, layer)) items.push({ layer });
  return items;
}

const flatten = (items: readonly Item[]): Slot[] => items.flatMap((it) => ('block' in it ? flatten(it.layers) : [it]));

/** The shortest decimal that reads back as the same float32 (ONNX stores ratios as float32). */
function float32Text(v: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const t = Number(v.toPrecision(digits));
    if (Math.fround(t) === Math.fround(v)) return String(t);
  }
  return String(v);
}

function valueText(v: unknown): string {
  if (Array.isArray(v)) return v.length === 2 && v[0] === v[1] ? String(v[0]) : `[${v.join(', ')}]`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : float32Text(v);
  return String(v);
}

/** `op` or `op: {name: n, attr: value, ...}`, leaving out attributes at their default. */
function layerText(slot: Slot): string {
  const { op, attrs } = slot.layer;
  const def = getOp(op);
  const full = def.normalize(attrs);
  const dflt = def.normalize(Object.fromEntries(def.required.map((k) => [k, attrs[k]])));
  const parts = slot.name ? [`name: ${slot.name}`] : [];
  for (const k of Object.keys(def.attributes)) {
    if (def.required.includes(k) || JSON.stringify(full[k]) !== JSON.stringify(dflt[k])) parts.push(`${k}: ${valueText(attrs[k])}`);
  }
  return parts.length === 0 ? op : `${op}: {${parts.join(', ')}}`;
}

function specName(g: ImportedGraph, opts: ImportOptions): string {
  if (opts.name !== undefined) return opts.name;
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').slice(0, 64);
  const fromGraph = ['torch_jit', 'main_graph', 'torch-jit-export'].includes(g.graphName) ? '' : clean(g.graphName);
  return fromGraph || clean(basename(opts.specPath).replace(/\.[^.]*$/, '')) || 'imported';
}

function renderSpec(g: ImportedGraph, items: readonly Item[], name: string, source: string): string {
  const lines = [`# Imported by netspec import from ${source}${g.producer ? ` (made by ${g.producer})` : ''}.`, 'netspec: 1', `name: ${name}`];
  if (g.description) lines.push(`description: ${JSON.stringify(g.description)}`);
  lines.push(`input: {shape: [${g.inputShape.join(', ')}]}`, 'layers:');
  const write = (list: readonly Item[], indent: string): void => {
    for (const item of list) {
      if ('block' in item) {
        lines.push(`${indent}- block:`, `${indent}    name: ${item.block}`, `${indent}    layers:`);
        write(item.layers, `${indent}      `);
      } else lines.push(`${indent}- ${layerText(item)}`);
    }
  };
  write(items, '  ');
  return lines.join('\n') + '\n';
}

/** Imports an ONNX model: the spec's YAML (checked by the front end) and its weights as safetensors. */
export function importOnnx(bytes: Uint8Array, file: string, opts: ImportOptions): ImportResult {
  const g = readOnnxGraph(bytes, file);
  const items = arrange(g.layers);
  const name = specName(g, opts);
  const yaml = renderSpec(g, items, name, basename(file));
  const checked = checkSource(opts.specPath, yaml);
  if (!checked.model) {
    const text = checked.diagnostics.map((d) => renderDiagnostic(d, false)).join('\n');
    throw new NetspecError(`${file}: the imported model is not a valid netspec spec:\n${text}`);
  }
  const model = checked.model;
  const slots = flatten(items);
  if (slots.length !== model.nodes.length) throw new Error(`internal: ${slots.length} imported layers for ${model.nodes.length} nodes`);
  const expected = new Map(parametersOf(model).map((p) => [p.name, p.shape]));
  const tensors: TensorToWrite[] = [];
  const renamed: [string, string][] = [];
  slots.forEach((s, i) => {
    for (const p of s.layer.params) {
      const pname = `${model.nodes[i].prefix}.${p.suffix}`;
      const shape = expected.get(pname);
      if (!shape || shape.join(',') !== p.shape.join(',')) throw new Error(`internal: imported ${pname} [${p.shape}] does not fit the spec`);
      tensors.push({ name: pname, shape: p.shape, data: p.data });
      if (p.from && p.from !== pname) renamed.push([p.from, pname]);
    }
  });
  if (tensors.length !== expected.size) throw new Error(`internal: ${tensors.length} imported tensors for ${expected.size} parameters`);
  const notes = slots
    .map((s, i) => (s.filler ? `${model.nodes[i].prefix} has no node in the graph (a dropout or identity at inference): imported as dropout p=0.5` : ''))
    .filter((n) => n);
  const weights = writeSafetensors(tensors, { netspec: VERSION, model: name, source: basename(file) });
  return { yaml, weights, model, graph: g, renamed, notes };
}
