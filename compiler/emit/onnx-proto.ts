// The ONNX protobuf messages (onnx-proto, a CommonJS package) and the few conversions the
// exporter and the importer share: tensors to and from initializers, attributes to and from values.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import type { OnnxAttr } from '../ops/types.js';

export const onnx = onnxProto.onnx;
export type ModelProto = OnnxTypes.IModelProto;
export type GraphProto = OnnxTypes.IGraphProto;
export type NodeProto = OnnxTypes.INodeProto;
export type TensorProto = OnnxTypes.ITensorProto;
export type AttributeProto = OnnxTypes.IAttributeProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The little-endian bytes of a typed array (a copy). */
function leBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!hostIsLittleEndian) {
    const w = data.BYTES_PER_ELEMENT;
    for (let i = 0; i < out.length; i += w) out.subarray(i, i + w).reverse();
  }
  return out;
}

export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  if (dims.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`internal: initializer ${name} has ${data.length} values for dims [${dims}]`);
  return { name, dataType: FLOAT, dims: [...dims], rawData: leBytes(data) };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  return { name, dataType: INT64, dims: [...dims], rawData: leBytes(BigInt64Array.from(values, (v) => BigInt(v))) };
}

export function attribute(name: string, v: OnnxAttr): AttributeProto {
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`internal: ONNX attribute ${name}=${v} is not an integer (floats are written {f})`);
    return { name, type: A.INT, i: v };
  }
  if (Array.isArray(v)) return { name, type: A.INTS, ints: [...v] };
  return { name, type: A.FLOAT, f: (v as { f: number }).f };
}

/** An int64 field as a number (protobufjs decodes them as Long). */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export type AttrValue = number | number[] | string | TensorProto;

/** An attribute's value: INT and FLOAT as numbers, INTS and FLOATS as arrays, STRING as text, TENSOR as is. */
export function attributeValue(a: AttributeProto): AttrValue | undefined {
  switch (a.type) {
    case A.INT: return toNumber(a.i as number);
    case A.FLOAT: return a.f ?? 0;
    case A.INTS: return (a.ints ?? []).map((x) => toNumber(x as number));
    case A.FLOATS: return [...(a.floats ?? [])];
    case A.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case A.TENSOR: return a.t ?? undefined;
    default: return undefined;
  }
}

export interface TensorValues {
  dims: number[];
  /** FLOAT and DOUBLE tensors (as float32). */
  floats?: Float32Array;
  /** Integer tensors (INT64, INT32) as numbers. */
  ints?: number[];
}

/** The values of a constant tensor (initializer or Constant node), or undefined for an unsupported type. */
export function tensorValues(t: TensorProto): TensorValues | undefined {
  const dims = (t.dims ?? []).map((d) => toNumber(d as number));
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const T = onnx.TensorProto.DataType;
  switch (t.dataType) {
    case T.FLOAT: {
      const floats = view ? Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true)) : Float32Array.from(t.floatData ?? []);
      return floats.length === count ? { dims, floats } : undefined;
    }
    case T.DOUBLE: {
      const floats = view ? Float32Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true)) : Float32Array.from(t.doubleData ?? []);
      return floats.length === count ? { dims, floats } : undefined;
    }
    case T.INT64: {
      const ints = view ? Array.from({ length: count }, (_, i) => Number(view.getBigInt64(8 * i, true))) : (t.int64Data ?? []).map((x) => toNumber(x as number));
      return ints.length === count ? { dims, ints } : undefined;
    }
    case T.INT32: {
      const ints = view ? Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true)) : [...(t.int32Data ?? [])];
      return ints.length === count ? { dims, ints } : undefined;
    }
    default:
      return undefined;
  }
}

export function encodeModel(m: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}
