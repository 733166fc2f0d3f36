// The model graph: the spec's layers flattened into one ordered list of nodes (blocks
// inlined and remembered as ranges), each with its PyTorch-style parameter prefix.
import type { JsonPath, ParsedYaml } from '../source/yaml.js';
import { getOp, LOSSES, OPTIMIZERS } from '../ops/index.js';
import type { Attrs, OpDef, Shape } from '../ops/types.js';

export interface LayerNode {
  /** Position in Model.nodes. */
  index: number;
  op: OpDef;
  attrs: Attrs;
  /** Parameter prefix: `fc1`, `layers.3`, `encoder.0`. */
  prefix: string;
  /** How messages name it: `dense 'fc1'`, `relu layers.3`. */
  label: string;
  /** Where it stands in the spec, for diagnostics. */
  path: JsonPath;
  inShape: Shape;
  outShape: Shape;
}

export interface BlockRange {
  name: string;
  /** Nodes [from, to) belong to the block. */
  from: number;
  to: number;
  path: JsonPath;
}

export interface OptimizerConfig {
  kind: 'sgd' | 'adam';
  [k: string]: unknown;
}

export interface Model {
  name: string;
  description?: string;
  inputShape: Shape;
  nodes: LayerNode[];
  blocks: BlockRange[];
  loss?: { name: string; path: JsonPath };
  optimizer?: OptimizerConfig;
  source?: ParsedYaml;
}

function tagged(item: unknown): [string, Record<string, unknown>] {
  if (typeof item === 'string') return [item, {}];
  const [k] = Object.keys(item as object);
  return [k, ((item as Record<string, unknown>)[k] ?? {}) as Record<string, unknown>];
}

/** Build the graph from a schema-valid spec value (names already checked unique by the validator). */
export function buildGraph(value: Record<string, unknown>, src: ParsedYaml | undefined): Model {
  const nodes: LayerNode[] = [];
  const blocks: BlockRange[] = [];
  const walk = (items: unknown[], path: JsonPath, prefixOf: (i: number, name?: string) => string) => {
    items.forEach((item, i) => {
      const [opName, raw] = tagged(item);
      const itemPath = typeof item === 'string' ? [...path, i] : [...path, i, opName];
      const name = typeof raw.name === 'string' ? raw.name : undefined;
      const prefix = prefixOf(i, name);
      if (opName === 'block') {
        const from = nodes.length;
        walk(raw.layers as unknown[], [...itemPath, 'layers'], (j, n) => `${prefix}.${n ?? j}`);
        blocks.push({ name: name!, from, to: nodes.length, path: itemPath });
        return;
      }
      const op = getOp(opName);
      nodes.push({
        index: nodes.length,
        op,
        attrs: op.normalize(raw),
        prefix,
        label: `${opName} ${name ? `'${name}'` : prefix}`,
        path: itemPath,
        inShape: [],
        outShape: [],
      });
    });
  };
  walk(value.layers as unknown[], ['layers'], (i, n) => n ?? `layers.${i}`);
  const model: Model = {
    name: value.name as string,
    description: value.description as string | undefined,
    inputShape: (value.input as { shape: number[] }).shape,
    nodes,
    blocks,
    source: src,
  };
  if (value.loss !== undefined) model.loss = { name: tagged(value.loss)[0], path: ['loss'] };
  if (value.optimizer !== undefined) {
    const [kind, attrs] = tagged(value.optimizer);
    model.optimizer = { ...(OPTIMIZERS.get(kind)!.defaults as Record<string, unknown>), ...attrs, kind: kind as 'sgd' | 'adam' };
  }
  if (model.loss && !LOSSES.has(model.loss.name)) throw new Error(`internal: unvalidated loss ${model.loss.name}`);
  return model;
}
