// What the importer knows about each ONNX value: a constant (weights, shape arithmetic with
// a symbolic batch `N`), zeros of a batch-dependent shape (PyTorch's initial LSTM state),
// or an activation in one of the layouts the layer chain passes through.
import { NetspecError } from '../../runtime/errors.js';
import { attributeValue, tensorValues, type AttrValue, type NodeProto, type TensorProto } from '../emit/onnx-proto.js';

/** A dimension: a number, or the batch size `N`. */
export type Dim = number | 'N';

export type Value =
  /** A constant: floats (weights) or integers (shapes, axes, indices; may hold N). */
  | { k: 'static'; dims: number[]; floats?: Float32Array; ints?: Dim[] }
  /** All zeros (a ConstantOfShape of a batch-dependent shape, and slices of it). */
  | { k: 'zeros' }
  /**
   * An activation, output of layer `layer` (-1: the model input).
   * bf: batch-first [N, ...shape]; tm: time-major [T, N, F] with shape [T, F];
   * padded: bf [N, C, H, W] awaiting the zero padding `pad` [ph, pw] (a Pad before AveragePool or Conv).
   * `seq`: it is an LSTM's output sequence (at its top level when bf or tm); `lastStep`: a [N,1,H] slice of its last step.
   */
  | { k: 'act'; layout: 'bf' | 'tm' | 'padded'; shape: number[]; layer: number; pad?: [number, number]; seq?: number; lastStep?: boolean }
  /** An ONNX LSTM's Y [T,1,N,H] or Y_h [1,N,H] at stacked level `level` of netspec layer `layer`. */
  | { k: 'lstmY' | 'lstmYh'; layer: number; level: number }
  /** Y_h of consecutive levels concatenated on axis 0 (PyTorch's h_n). */
  | { k: 'lstmYhCat'; layer: number; levels: number[] }
  /** Something the importer cannot follow; an error if a layer needs it. */
  | { k: 'opaque'; why: string };

export type Act = Extract<Value, { k: 'act' }>;

export function nodeError(file: string, node: NodeProto, message: string): NetspecError {
  return new NetspecError(`${file}: node '${node.name || node.output?.[0] || '?'}' (${node.opType}): ${message}`);
}

export function attrsOf(node: NodeProto): Map<string, AttrValue | undefined> {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? '', attributeValue(a)]));
}

export function constantOf(t: TensorProto): Value {
  const v = tensorValues(t);
  if (!v) return { k: 'opaque', why: `tensor '${t.name}' has an unsupported data type ${t.dataType}` };
  return v.floats ? { k: 'static', dims: v.dims, floats: v.floats } : { k: 'static', dims: v.dims, ints: v.ints };
}

const isStatic = (v: Value | undefined): v is Extract<Value, { k: 'static' }> => v?.k === 'static';

/** The integers of a constant input (axes, indices, shapes), or undefined. */
export function intsOf(v: Value | undefined): Dim[] | undefined {
  if (!isStatic(v)) return undefined;
  if (v.ints) return v.ints;
  if (v.floats && v.floats.every(Number.isInteger)) return Array.from(v.floats);
  return undefined;
}

const allZero = (v: Value | undefined) => v?.k === 'zeros' || (isStatic(v) && (v.floats ?? v.ints ?? []).every((x) => x === 0));

/** Ops that keep a zero tensor zero, whatever their other (constant) inputs say. */
const ZERO_PRESERVING = new Set(['Slice', 'Gather', 'Squeeze', 'Unsqueeze', 'Reshape', 'Expand', 'Identity', 'Cast', 'Transpose', 'Concat']);

/** Squeeze/Unsqueeze axes: an attribute before opset 13, an input since. */
export function axesOf(attrs: Map<string, AttrValue | undefined>, inputs: (Value | undefined)[]): number[] | undefined {
  const a = attrs.get('axes');
  if (Array.isArray(a)) return a as number[];
  const v = intsOf(inputs[1]);
  return v?.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
}

/**
 * Evaluates a node whose inputs are all constants or zeros (shape arithmetic, Constant,
 * ConstantOfShape...). Returns its outputs' values; `opaque` where it cannot.
 */
export function evaluateStatic(node: NodeProto, inputs: (Value | undefined)[]): Value[] {
  const attrs = attrsOf(node);
  const op = node.opType ?? '';
  const opaque = (why = `cannot evaluate ${op} at import time`): Value[] => (node.output ?? []).map(() => ({ k: 'opaque', why }));
  const data = inputs[0];
  if (op === 'Constant') {
    const t = attrs.get('value');
    if (t && typeof t === 'object' && !Array.isArray(t)) return [constantOf(t)];
    const i = attrs.get('value_int') ?? attrs.get('value_ints');
    if (i !== undefined) return [{ k: 'static', dims: Array.isArray(i) ? [i.length] : [], ints: Array.isArray(i) ? (i as number[]) : [i as number] }];
    const f = attrs.get('value_float') ?? attrs.get('value_floats');
    if (f !== undefined) return [{ k: 'static', dims: Array.isArray(f) ? [f.length] : [], floats: Float32Array.from(Array.isArray(f) ? (f as number[]) : [f as number]) }];
    return opaque();
  }
  if (op === 'ConstantOfShape') {
    const t = attrs.get('value');
    const v = t && typeof t === 'object' && !Array.isArray(t) ? constantOf(t) : undefined;
    return allZero(v) || v === undefined ? [{ k: 'zeros' }] : opaque('ConstantOfShape of a value other than zero');
  }
  if (ZERO_PRESERVING.has(op) && data?.k === 'zeros') {
    if (op === 'Concat' && !inputs.every(allZero)) return opaque();
    return [{ k: 'zeros' }];
  }
  if (op === 'Expand' && allZero(data)) return [{ k: 'zeros' }];
  const ints = intsOf(data);
  if (!ints) return op === 'Identity' || op === 'Cast' ? [data ?? { k: 'opaque', why: 'missing input' }] : opaque();
  const dims = isStatic(data) ? data.dims : [];
  const vec = (xs: Dim[], d = [xs.length]): Value[] => [{ k: 'static', dims: d, ints: xs }];
  switch (op) {
    case 'Identity':
    case 'Cast':
      return vec(ints, dims);
    case 'Unsqueeze':
      return dims.length === 0 ? vec(ints, [1]) : opaque();
    case 'Squeeze':
      return dims.length === 1 && ints.length === 1 ? vec(ints, []) : opaque();
    case 'Gather': {
      const idx = intsOf(inputs[1]);
      const axis = (attrs.get('axis') as number | undefined) ?? 0;
      if (dims.length !== 1 || axis !== 0 || !idx || idx.some((i) => typeof i !== 'number')) return opaque();
      const picked = (idx as number[]).map((i) => ints[i < 0 ? i + ints.length : i]);
      if (picked.some((x) => x === undefined)) return opaque('Gather index out of range');
      const idxDims = isStatic(inputs[1]) ? inputs[1].dims : [];
      return vec(picked, idxDims);
    }
    case 'Concat': {
      const parts = inputs.map(intsOf);
      if (parts.some((p) => p === undefined)) return opaque();
      const all = parts.flat() as Dim[];
      return vec(all);
    }
    case 'Slice': {
      const [starts, ends] = [intsOf(inputs[1]), intsOf(inputs[2])];
      const axes = inputs[3] ? intsOf(inputs[3]) : [0];
      const steps = inputs[4] ? intsOf(inputs[4]) : [1];
      if (dims.length !== 1 || !starts || !ends || starts.length !== 1 || axes?.[0] !== 0 || (steps?.[0] ?? 1) !== 1) return opaque();
      const n = ints.length;
      const clamp = (v: Dim) => (typeof v !== 'number' ? n : Math.min(Math.max(v < 0 ? v + n : v, 0), n));
      return vec(ints.slice(clamp(starts[0]), clamp(ends[0])));
    }
    default:
      return opaque();
  }
}

const PARAM_NAME = /^(.+)\.(weight|bias|[WRB]_l\d+)$/;

/** The prefix a node or initializer name suggests: `conv1/Conv` and `/features/features.0/Conv` → `conv1`, `features.0`. */
export function hintFrom(name: string | undefined | null, isParam = false): string | undefined {
  if (!name) return undefined;
  if (isParam) return PARAM_NAME.exec(name)?.[1];
  const parts = name.split('/').filter((p) => p.length > 0);
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}
