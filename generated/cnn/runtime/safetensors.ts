/**
 * The safetensors format (Hugging Face), the weights file of netspec:
 *
 *   8 bytes   N, uint64 little-endian: the header's length
 *   N bytes   a UTF-8 JSON object {"NAME": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 *             ..., "__metadata__": {string: string}} padded with spaces
 *   the rest  the tensors' bytes, little-endian, C order; offsets count from the start of this part
 *
 * Reading validates the whole file as the reference implementation (huggingface/safetensors,
 * Rust) does: the tensors' byte ranges must tile the data section exactly, without holes,
 * overlaps or bytes after the last tensor (the reference rejects those, to rule out polyglot
 * files). Tensors are copied out of the file, so alignment never matters and the file's
 * bytes can be dropped. Supported dtypes: F32, F64, I32, and I64 (read as BigInt64Array,
 * exact). Duplicate names in the JSON cannot be detected (JSON.parse keeps the last).
 */
import { NetspecError } from './errors.js';

export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'I64';
export type SafetensorsData = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: SafetensorsData;
}

/** What `readSafetensors` returns: tensors by name in header order, plus `metadata`. */
export type SafetensorsFile = Map<string, SafetensorsTensor> & { metadata?: Record<string, string> };

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8 };
/** Dtypes of the format that netspec does not read: named in the error rather than called unknown. */
const UNSUPPORTED = ['BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'U64', 'F16', 'BF16', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64'];
/** The reference implementation's limit, against absurd headers. */
const MAX_HEADER = 100_000_000;
const METADATA_KEY = '__metadata__';

const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function isDim(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Copies little-endian bytes into a fresh, aligned typed array. */
function copyOut(bytes: Uint8Array, dtype: SafetensorsDtype): SafetensorsData {
  // A fresh ArrayBuffer at offset 0 is aligned for any element size. Not bytes.slice(): on a
  // Node Buffer that returns a view, not a copy.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!hostIsLittleEndian) {
    const w = BYTES[dtype];
    for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
  }
  switch (dtype) {
    case 'F32': return new Float32Array(copy.buffer);
    case 'F64': return new Float64Array(copy.buffer);
    case 'I32': return new Int32Array(copy.buffer);
    case 'I64': return new BigInt64Array(copy.buffer);
  }
}

/** Parses and validates a whole safetensors file; `source` (a file name) starts every error message. */
export function readSafetensors(bytes: Uint8Array, source = 'weights'): SafetensorsFile {
  const fail: (msg: string) => never = (msg) => {
    throw new NetspecError(`${source}: ${msg}`);
  };
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, less than the 8-byte header length of a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenLo = view.getUint32(0, true);
  const lenHi = view.getUint32(4, true);
  const headerLen = lenHi * 4294967296 + lenLo;
  if (headerLen > MAX_HEADER) fail(`not a safetensors file: header length ${headerLen} is larger than the 100 MB limit`);
  if (8 + headerLen > bytes.length) {
    fail(`truncated: the header claims ${headerLen} bytes but only ${bytes.length - 8} follow the length field`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    return fail('not a safetensors file: the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`not a safetensors file: the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('not a safetensors file: the header is not a JSON object');
  }

  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const result = new Map<string, SafetensorsTensor>() as SafetensorsFile;
  const pending: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];

  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`"${METADATA_KEY}" must be an object of strings`);
      const meta: Record<string, string> = {};
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`"${METADATA_KEY}".${k} must be a string, got ${JSON.stringify(v)}`);
        meta[k] = v as string;
      }
      result.metadata = meta;
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`tensor '${name}': entry must be an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string') return fail(`tensor '${name}': missing or non-string "dtype"`);
    if (!Object.hasOwn(BYTES, dtype)) {
      const why = UNSUPPORTED.includes(dtype) ? 'is not supported' : 'is not a safetensors dtype';
      fail(`tensor '${name}': dtype ${JSON.stringify(dtype)} ${why} (netspec reads F32, F64, I32, I64)`);
    }
    if (!Array.isArray(shape) || !shape.every(isDim)) return fail(`tensor '${name}': "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDim) || offsets[0] > offsets[1]) {
      return fail(`tensor '${name}': "data_offsets" must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((p, d) => p * d, 1);
    const need = count * BYTES[dtype as SafetensorsDtype];
    if (!Number.isSafeInteger(need)) fail(`tensor '${name}': shape ${fmt(shape as number[])} is too large`);
    if (end - begin !== need) {
      fail(`tensor '${name}': data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} ${fmt(shape as number[])} needs ${need}`);
    }
    if (end > dataLen) {
      fail(`truncated: tensor '${name}' has data_offsets [${begin}, ${end}] but the data section has only ${dataLen} bytes`);
    }
    pending.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }

  // The ranges must tile [0, dataLen) exactly. Empty tensors take no bytes and are skipped.
  const sorted = pending.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  let at = 0;
  let prev: (typeof sorted)[number] | undefined;
  for (const r of sorted) {
    if (prev !== undefined && r.begin < at) {
      fail(`tensors '${prev.name}' and '${r.name}' overlap (data_offsets [${prev.begin}, ${prev.end}] and [${r.begin}, ${r.end}])`);
    }
    if (r.begin > at) fail(`bytes [${at}, ${r.begin}) of the data section belong to no tensor (a hole before '${r.name}')`);
    at = r.end;
    prev = r;
  }
  if (at !== dataLen) {
    fail(`${dataLen - at} bytes after the last tensor's data (the tensors' data_offsets must cover the data section exactly)`);
  }

  for (const t of pending) {
    const data = copyOut(bytes.subarray(dataStart + t.begin, dataStart + t.end), t.dtype);
    result.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  }
  return result;
}

export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/**
 * Serializes float32 tensors as the reference writer does: tensors sorted by name, stored
 * contiguously in that order; "__metadata__" first when given; the JSON header padded with
 * spaces to a multiple of 8 bytes, so the data (and every F32 tensor) starts 8-aligned.
 */
export function writeSafetensors(tensors: readonly TensorToWrite[], metadata?: Record<string, string>): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`internal: safetensors metadata '${k}' must be a string`);
    }
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i]!;
    if (t.name === METADATA_KEY) throw new Error(`internal: '${METADATA_KEY}' is not a tensor name`);
    if (i > 0 && sorted[i - 1]!.name === t.name) throw new Error(`internal: tensor '${t.name}' written twice`);
    const count = t.shape.reduce((p, d) => p * d, 1);
    if (!t.shape.every(isDim) || count !== t.data.length) {
      throw new Error(`internal: tensor '${t.name}' has ${t.data.length} values but shape ${fmt(t.shape)}`);
    }
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen % 4294967296, true);
  view.setUint32(4, Math.floor(headerLen / 4294967296), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const t of sorted) {
    if (hostIsLittleEndian) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i]!, true);
    at += t.data.byteLength;
  }
  return out;
}

export interface ExpectedTensor {
  name: string;
  shape: readonly number[];
}

/**
 * The model's parameters, in `expected` order, from a file read by `readSafetensors`.
 * F32 is taken as is and F64 converted to float32; anything else is a dtype error.
 * Every problem (missing, unexpected, wrong shape, wrong dtype) is reported in one NetspecError.
 */
export function matchWeights(expected: readonly ExpectedTensor[], file: Map<string, SafetensorsTensor>, source: string): Float32Array[] {
  const problems: string[] = [];
  const out: Float32Array[] = [];
  const wanted = new Set<string>();
  for (const e of expected) {
    wanted.add(e.name);
    const t = file.get(e.name);
    if (t === undefined) {
      problems.push(`missing tensor '${e.name}' (model needs ${fmt(e.shape)})`);
      continue;
    }
    const sameShape = t.shape.length === e.shape.length && t.shape.every((d, i) => d === e.shape[i]);
    if (!sameShape) problems.push(`${e.name}: file has ${fmt(t.shape)}, model needs ${fmt(e.shape)}`);
    if (t.dtype !== 'F32' && t.dtype !== 'F64') problems.push(`${e.name}: file has dtype ${t.dtype}, model needs F32 (or F64, converted)`);
    if (!sameShape || (t.dtype !== 'F32' && t.dtype !== 'F64')) continue;
    out.push(t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as Float64Array));
  }
  for (const [name, t] of file) {
    if (!wanted.has(name)) problems.push(`unexpected tensor '${name}' ${fmt(t.shape)}: the model has no parameter of that name`);
  }
  if (problems.length > 0) {
    const s = problems.length === 1 ? '' : 's';
    throw new NetspecError(`${source}: weights do not match the model (${problems.length} problem${s}):\n  ${problems.join('\n  ')}`);
  }
  return out;
}
