// ONNX import: follows the graph from its input to its output as one chain of layers,
// matching node sequences back to netspec ops (Conv, MaxPool, AveragePool with or without a
// Pad before it, Gemm or MatMul+Add, Flatten or a Reshape to [N,-1], activations, Softmax,
// LSTM with the Transpose/Squeeze/Gather/Slice nodes PyTorch puts around it, Dropout,
// Identity). Constants and shape arithmetic are evaluated with a symbolic batch.
import { decodeModel, toNumber } from '../emit/onnx-proto.js';
import { LAYER_NOTE } from '../emit/onnx.js';
import { NetspecError } from '../../runtime/errors.js';
import { constantOf, evaluateStatic, nodeError, type Act, type Value } from './onnx-values.js';
import { matchLayerNode, type Chain } from './onnx-match.js';

export interface ImportedParam {
  suffix: string;
  shape: number[];
  data: Float32Array;
  /** The initializer it came from, when it kept its name (PyTorch's state_dict name). */
  from?: string;
}

export interface ImportedLayer {
  op: string;
  /** Every attribute of the op (defaults included). */
  attrs: Record<string, unknown>;
  params: ImportedParam[];
  /** Where the name came from: `conv1`, `layers.3`, `features.0` (an initializer's or node's scope). */
  hint?: string;
  /** The ONNX node it came from, for messages. */
  node: string;
  inShape: number[];
  /** An LSTM that can take no more stacked levels. */
  closed?: boolean;
  /** A dense layer from MatMul, still without the bias an Add may bring. */
  awaitingBias?: boolean;
}

export interface ImportedGraph {
  graphName: string;
  description?: string;
  producer: string;
  inputShape: number[];
  outputShape: number[];
  /** The fixed batch size of the input, when it is not dynamic. */
  fixedBatch?: number;
  inputName: string;
  outputName: string;
  layers: ImportedLayer[];
}

/** Reads an ONNX model and recovers its chain of netspec layers; every unsupported construct is a NetspecError naming its node. */
export function readOnnxGraph(bytes: Uint8Array, file: string): ImportedGraph {
  let model;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new NetspecError(`${file}: not an ONNX model (${(e as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || !graph.node) throw new NetspecError(`${file}: not an ONNX model (no graph)`);
  for (const o of model.opsetImport ?? []) {
    if (o.domain && o.domain !== 'ai.onnx') throw new NetspecError(`${file}: uses operator set '${o.domain}'; only the default ONNX operators import`);
  }
  const opset = toNumber((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version as number | undefined);

  const values = new Map<string, Value>();
  for (const t of graph.initializer ?? []) values.set(t.name ?? '', constantOf(t));
  const inputs = (graph.input ?? []).filter((i) => !values.has(i.name ?? ''));
  if (inputs.length !== 1) throw new NetspecError(`${file}: the graph has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); a netspec model has one`);
  if ((graph.output ?? []).length !== 1) throw new NetspecError(`${file}: the graph has ${(graph.output ?? []).length} outputs; a netspec model has one`);
  const input = inputs[0];
  const tt = input.type?.tensorType;
  if (!tt || tt.elemType !== 1) throw new NetspecError(`${file}: input '${input.name}' is not a float32 tensor`);
  const dims = tt.shape?.dim ?? [];
  const perSample = dims.slice(1).map((d) => (d.dimParam ? 0 : toNumber(d.dimValue as number | undefined)));
  if (dims.length < 2 || perSample.some((d) => !Number.isInteger(d) || d < 1)) {
    const shown = dims.map((d) => d.dimParam || String(d.dimValue ?? '?')).join(', ');
    throw new NetspecError(`${file}: input '${input.name}' has shape [${shown}]; netspec needs [batch, ...fixed sizes]`);
  }
  const batchDim = dims[0].dimParam ? undefined : toNumber(dims[0].dimValue as number | undefined) || undefined;
  values.set(input.name ?? '', { k: 'act', layout: 'bf', shape: perSample, layer: -1 });

  const layers: ImportedLayer[] = [];
  const chain: Chain = { file, opset, batch: batchDim, layers, values };
  for (const node of graph.node) {
    if (node.domain && node.domain !== 'ai.onnx') throw nodeError(file, node, `operator of domain '${node.domain}' has no netspec form`);
    const ins = (node.input ?? []).map((n) => (n === '' ? undefined : values.get(n)));
    (node.input ?? []).forEach((n, i) => {
      if (n !== '' && ins[i] === undefined) throw nodeError(file, node, `input '${n}' is not produced before it (the graph is not in topological order)`);
    });
    const present = ins.filter((v): v is Value => v !== undefined);
    const opaque = present.find((v) => v.k === 'opaque');
    let outs: Value[];
    if (node.opType === 'Shape') outs = [shapeOf(present[0])];
    else if (present.some((v) => v.k === 'act' || v.k.startsWith('lstm'))) outs = matchLayerNode(chain, node, ins);
    else if (opaque) outs = (node.output ?? []).map(() => opaque); // dead or failing later, where a layer needs it
    else outs = evaluateStatic(node, ins);
    (node.output ?? []).forEach((o, i) => o && values.set(o, outs[i] ?? { k: 'opaque', why: `output ${i} of ${node.opType} is not supported` }));
  }
  const outName = graph.output![0].name ?? '';
  const out = values.get(outName);
  if (out?.k !== 'act' || out.layout !== 'bf' || out.layer !== layers.length - 1 || out.lastStep) {
    const why = out?.k === 'opaque' ? `: ${out.why}` : out?.k === 'act' && out.lastStep ? ': it is a [N,1,H] slice, not squeezed' : '';
    throw new NetspecError(`${file}: the graph output '${outName}' is not the end of one chain of layers${why}`);
  }
  insertNotedLayers(model.metadataProps ?? [], values, layers);
  if (layers.length === 0) throw new NetspecError(`${file}: the graph has no layer netspec can import`);
  return {
    graphName: graph.name ?? '',
    description: graph.docString || undefined,
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    inputShape: perSample,
    outputShape: out.shape,
    fixedBatch: batchDim,
    inputName: input.name ?? '',
    outputName: outName,
    layers,
  };
}

function shapeOf(v: Value | undefined): Value {
  if (v?.k === 'static') return { k: 'static', dims: [v.dims.length], ints: v.dims };
  if (v?.k !== 'act' || v.layout === 'padded') return { k: 'opaque', why: `Shape of a ${v?.k ?? 'missing'} value` };
  const ints = v.layout === 'bf' ? ['N' as const, ...v.shape] : [v.shape[0], 'N' as const, v.shape[1]];
  return { k: 'static', dims: [ints.length], ints };
}

/** Layers that leave no node (netspec's dropout), restored from the exporter's metadata after the layer they followed. */
function insertNotedLayers(props: { key?: string | null; value?: string | null }[], values: Map<string, Value>, layers: ImportedLayer[]): void {
  const inserts: { after: number; layer: ImportedLayer }[] = [];
  for (const { key, value } of props) {
    if (!key?.startsWith(LAYER_NOTE) || !value) continue;
    let rec: Record<string, string>;
    try {
      rec = JSON.parse(value) as Record<string, string>;
    } catch {
      continue;
    }
    const at = values.get(rec.after);
    if (rec.op !== 'dropout' || at?.k !== 'act' || !(Number(rec.p) >= 0 && Number(rec.p) < 1)) continue;
    inserts.push({ after: (at as Act).layer, layer: { op: 'dropout', attrs: { p: Number(rec.p) }, params: [], hint: key.slice(LAYER_NOTE.length), node: key, inShape: (at as Act).shape } });
  }
  for (let k = inserts.length - 1; k >= 0; k--) {
    // later notes after the same layer go after the earlier ones: insert in reverse, each right after its layer
    const { after, layer } = inserts[k];
    layers.splice(after + 1, 0, layer);
  }
}
