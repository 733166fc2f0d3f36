// ONNX export: the one emitter that reads the op registry. It walks the model's layers and
// asks each op for its nodes and initializers (OpDef.onnx); opset 17, IR version 8, a
// dynamic batch dimension, values named `input` and `output`.
import { NetspecError } from '../../runtime/errors.js';
import type { LayerNode, Model } from '../ir/graph.js';
import type { OnnxAttr, OnnxBuilder } from '../ops/types.js';
import { outputShape } from '../passes/shapes.js';
import { VERSION } from '../version.js';
import { attribute, encodeModel, FLOAT, floatTensor, int64Tensor, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-proto.js';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'output';
/** Metadata keys of layers the graph cannot show (dropout): `netspec:layer:<prefix>` → JSON {op, after, ...notes}. */
export const LAYER_NOTE = 'netspec:layer:';

/** A parameter's values by state_dict name (PyTorch layout). */
export type WeightSource = (name: string) => Float32Array;

/** The layers whose op has no ONNX form, named as diagnostics name them. */
export function unexportableLayers(model: Model): LayerNode[] {
  return model.nodes.filter((n) => n.op.onnx === undefined);
}

class GraphBuilder implements OnnxBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly notes = new Map<string, Record<string, string>>();
  private readonly used = new Set<string>([INPUT_NAME, OUTPUT_NAME]);
  private readonly consts = new Map<string, string>();
  layer!: LayerNode;
  x = INPUT_NAME;

  constructor(private readonly weight: WeightSource) {}

  private fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  node(opType: string, inputs: readonly string[], attrs: Record<string, OnnxAttr> = {}, outputs = 1): string[] {
    const name = this.fresh(`${this.layer.prefix}/${opType}`);
    const output = Array.from({ length: outputs }, (_, j) => this.fresh(`${name}_output_${j}`));
    this.nodes.push({ name, opType, input: [...inputs], output, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return output;
  }

  private shapeOf(suffix: string): number[] {
    const n = this.layer;
    const p = n.op.params?.(n.attrs, n.inShape, n.outShape).find((d) => d.suffix === suffix);
    if (!p) throw new Error(`internal: ${n.label} has no parameter '${suffix}'`);
    return p.shape;
  }

  paramData(suffix: string): Float32Array {
    this.shapeOf(suffix);
    return this.weight(`${this.layer.prefix}.${suffix}`);
  }

  param(suffix: string): string {
    const name = `${this.layer.prefix}.${suffix}`;
    if (!this.used.has(name)) {
      this.used.add(name);
      this.initializers.push(floatTensor(name, this.shapeOf(suffix), this.paramData(suffix)));
    }
    return name;
  }

  initializer(suffix: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(`${this.layer.prefix}.${suffix}`);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  int64s(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.consts.get(key);
    if (!name) {
      name = this.fresh(`int64[${key}]`);
      this.consts.set(key, name);
      this.initializers.push(int64Tensor(name, [values.length], values));
    }
    return name;
  }

  note(key: string, value: string): void {
    const prefix = this.layer.prefix;
    const rec = this.notes.get(prefix) ?? { op: this.layer.op.name, after: this.x };
    rec[key] = value;
    this.notes.set(prefix, rec);
  }

  /** Gives the graph's last value the name `output` (or copies the input into it). */
  finish(last: string): void {
    if (last === INPUT_NAME) {
      this.nodes.push({ name: 'output/Identity', opType: 'Identity', input: [INPUT_NAME], output: [OUTPUT_NAME] });
      return;
    }
    for (const n of this.nodes) {
      n.output = n.output!.map((o) => (o === last ? OUTPUT_NAME : o));
      n.input = n.input!.map((i) => (i === last ? OUTPUT_NAME : i));
    }
    for (const rec of this.notes.values()) if (rec.after === last) rec.after = OUTPUT_NAME;
  }
}

function valueInfo(name: string, perSample: readonly number[]): ValueInfoProto {
  const dim = [{ dimParam: 'batch' }, ...perSample.map((d) => ({ dimValue: d }))];
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/** The ONNX model of a checked spec with the given weights. Throws a NetspecError naming every layer without an ONNX form. */
export function buildOnnx(model: Model, weight: WeightSource): ModelProto {
  const missing = unexportableLayers(model);
  if (missing.length > 0) {
    const list = missing.map((n) => `${n.label} (op '${n.op.name}' has no ONNX form)`).join(', ');
    throw new NetspecError(`${model.name}: cannot export to ONNX: ${list}`);
  }
  const g = new GraphBuilder(weight);
  let x = INPUT_NAME;
  for (const layer of model.nodes) {
    g.layer = layer;
    g.x = x;
    x = layer.op.onnx!(g, { attrs: layer.attrs, inShape: layer.inShape, outShape: layer.outShape, x });
  }
  g.finish(x);
  return {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'netspec',
    producerVersion: VERSION,
    docString: model.description ? `${model.name}: ${model.description}` : model.name,
    metadataProps: [...g.notes].map(([prefix, rec]) => ({ key: `${LAYER_NOTE}${prefix}`, value: JSON.stringify(rec) })),
    graph: {
      name: model.name,
      docString: model.description ?? '',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(INPUT_NAME, model.inputShape)],
      output: [valueInfo(OUTPUT_NAME, outputShape(model))],
    },
  };
}

export function emitOnnx(model: Model, weight: WeightSource): Uint8Array {
  return encodeModel(buildOnnx(model, weight));
}
