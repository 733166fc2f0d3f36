// Shape inference: every tensor's per-sample shape, checked layer by layer, with the limits
// that keep an absurd spec from reaching run time. Errors name the layer, what it needs,
// what it got and from which layer.
import type { Diagnostic } from '../source/diagnostic.js';
import { LIMITS } from '../ops/attrs.js';
import { LOSSES } from '../ops/index.js';
import { size, type ParamDef, type Shape, type ShapeContext } from '../ops/types.js';
import type { LayerNode, Model } from '../ir/graph.js';

export interface ParamInfo extends ParamDef {
  /** Full state_dict name: `fc1.weight`. */
  name: string;
  node: LayerNode;
}

export function parametersOf(model: Model): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (const node of model.nodes) {
    for (const p of node.op.params?.(node.attrs, node.inShape, node.outShape) ?? []) out.push({ ...p, name: `${node.prefix}.${p.suffix}`, node });
  }
  return out;
}

const fmt = (n: number) => n.toLocaleString('en-US');
/** How a message names a layer as a source: `'fc1'` when named, else its prefix `layers.2`. */
const where = (node: LayerNode) => node.label.slice(node.op.name.length + 1);

/** Fills inShape/outShape of every node; stops at the first layer whose shape cannot be known. */
export function inferShapes(model: Model, diags: Diagnostic[]): boolean {
  const src = model.source;
  const locate = (node: LayerNode | undefined, attr?: string) => {
    if (!src) return undefined;
    if (!node) return src.locate(['input', 'shape']);
    return (attr && src.locate([...node.path, attr])) || src.locate(node.path, node.path.length > 0 && typeof node.path[node.path.length - 1] === 'string');
  };
  const report = (node: LayerNode | undefined, code: string, message: string, hint?: string, attr?: string) =>
    diags.push({ code, message, hint, file: src?.file, range: locate(node, attr) });

  if (size(model.inputShape) > LIMITS.maxActivation) {
    const n = size(model.inputShape);
    report(undefined, 'NS402', `the model input [${model.inputShape.join(',')}] has ${fmt(n)} elements per sample; the limit is ${fmt(LIMITS.maxActivation)}`);
    return false;
  }
  let shape: Shape = model.inputShape;
  let from = 'from the model input';
  let ok = true;
  let totalParams = 0;
  let totalAct = size(shape);
  // The layers at which the model's totals first pass their limits: that is where to point.
  let paramsPassAt: LayerNode | undefined;
  let actPassAt: LayerNode | undefined;
  for (const node of model.nodes) {
    const ctx: ShapeContext = {
      label: node.label,
      from,
      error: (message, opts) => report(node, 'NS301', message, opts?.hint, opts?.attr),
    };
    node.inShape = shape;
    const out = node.op.inferShape(node.attrs, shape, ctx);
    if (!out) {
      ok = false;
      break;
    }
    if (out.some((d) => !Number.isInteger(d) || d < 1)) {
      report(node, 'NS302', `${node.label} would produce an empty output [${out.join(',')}] from input [${shape.join(',')}] ${from}`, 'use a smaller kernel or stride, or less pooling before it');
      ok = false;
      break;
    }
    node.outShape = out;
    const params = (node.op.params?.(node.attrs, node.inShape, out) ?? []).reduce((a, p) => a + size(p.shape), 0);
    if (params > LIMITS.maxLayerParams) {
      report(node, 'NS401', `${node.label} would have ${fmt(params)} parameters; the limit per layer is ${fmt(LIMITS.maxLayerParams)}`, 'use fewer units or filters, or pool before it');
      ok = false;
      break;
    }
    if (size(out) > LIMITS.maxActivation) {
      report(node, 'NS402', `${node.label} output [${out.join(',')}] has ${fmt(size(out))} elements per sample; the limit is ${fmt(LIMITS.maxActivation)}`, 'use fewer units or filters, a larger stride, or pool before it');
      ok = false;
      break;
    }
    totalParams += params;
    totalAct += size(out);
    if (totalParams > LIMITS.maxModelParams) paramsPassAt ??= node;
    if (totalAct > LIMITS.maxModelActivations) actPassAt ??= node;
    shape = out;
    from = `from ${where(node)}`;
  }
  if (ok && totalParams > LIMITS.maxModelParams) {
    report(paramsPassAt, 'NS403', `the model would have ${fmt(totalParams)} parameters; the limit is ${fmt(LIMITS.maxModelParams)}, passed at ${paramsPassAt!.label}`, 'use fewer or smaller layers');
    ok = false;
  }
  if (ok && totalAct > LIMITS.maxModelActivations) {
    report(actPassAt, 'NS404', `the model's activations would take ${fmt(totalAct)} elements per sample; the limit is ${fmt(LIMITS.maxModelActivations)}, passed at ${actPassAt!.label}`, 'use a smaller input, fewer channels, or pool earlier');
    ok = false;
  }
  if (ok && model.loss) {
    const loss = LOSSES.get(model.loss.name)!;
    const ctx: ShapeContext = {
      label: `loss ${loss.name}`,
      from: model.nodes.length > 0 ? `from ${where(model.nodes[model.nodes.length - 1])}` : 'from the model input',
      error: (message, opts) => diags.push({ code: 'NS303', message, hint: opts?.hint, file: src?.file, range: src?.locate(['loss']) }),
    };
    if (!loss.targetShape(shape, ctx)) ok = false;
  }
  return ok;
}

export function outputShape(model: Model): Shape {
  return model.nodes.length > 0 ? model.nodes[model.nodes.length - 1].outShape : model.inputShape;
}
