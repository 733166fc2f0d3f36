/**
 * NumPy's .npy format (numpy.lib.format), for inputs, targets and outputs of the CLI:
 *
 *   "\x93NUMPY", major, minor      major 1: uint16 LE header length; 2 and 3: uint32 LE
 *   header                         a Python dict literal, ASCII (UTF-8 in 3.0), ending in "\n":
 *                                  {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *   data                           C order, little-endian
 *
 * Read: dtypes f4, f8, i4, i8 (as BigInt64Array, exact), u1; little-endian and C order only.
 * Bytes after the data are ignored, as np.load does.
 * Write: version 1.0, byte for byte as numpy's np.save (spare spaces for growing the first
 * axis, then padding so the data starts at a multiple of 64 bytes, then "\n").
 */
import { NetspecError } from './errors.js';

export type NpyDtype = 'f4' | 'f8' | 'i4' | 'i8' | 'u1';
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const BYTES: Record<NpyDtype, number> = { f4: 4, f8: 8, i4: 4, i8: 8, u1: 1 };
const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/** A parser for the Python literals numpy writes in headers: dicts, tuples, lists, strings, ints, True/False/None. */
function parsePyLiteral(text: string, fail: (msg: string) => never): PyValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [k: string]: PyValue } = {};
      for (;;) {
        ws();
        if (text[i] === '}') { i++; return obj; }
        const key = value();
        if (typeof key !== 'string') fail('header dict keys must be strings');
        ws();
        if (text[i] !== ':') fail(`expected ':' at header offset ${i}`);
        i++;
        obj[key as string] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail(`expected ',' or '}' at header offset ${i}`);
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) { i++; return items; }
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}' at header offset ${i}`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string in header');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+)/.exec(text.slice(i));
    if (m === null) return fail(`unexpected ${c === undefined ? 'end of header' : `'${c}' at header offset ${i}`}`);
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0]);
  };
  const v = value();
  ws();
  if (i !== text.length) fail(`unexpected '${text[i]}' after the header dict`);
  return v;
}

function parseDescr(descr: PyValue, fail: (msg: string) => never): NpyDtype {
  if (typeof descr !== 'string') return fail('structured arrays (a list descr) are not supported; save a plain numeric array');
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (m === null) return fail(`dtype '${descr}' is not supported (netspec reads float32, float64, int32, int64, uint8)`);
  const [, order, kind, size] = m;
  const dtype = `${kind}${size}`;
  if (!(dtype in BYTES)) return fail(`dtype '${descr}' is not supported (netspec reads float32, float64, int32, int64, uint8)`);
  if (order === '>' && dtype !== 'u1') return fail(`big-endian data ('${descr}') is not supported; save with arr.astype(arr.dtype.newbyteorder('<'))`);
  if (order === '=' && !hostIsLittleEndian) return fail(`native-order data ('${descr}') is not supported on a big-endian host`);
  return dtype as NpyDtype;
}

function copyOut(bytes: Uint8Array, dtype: NpyDtype): NpyData {
  // A fresh ArrayBuffer at offset 0 is aligned. Not bytes.slice(): on a Node Buffer that is a view.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const w = BYTES[dtype];
  if (!hostIsLittleEndian && w > 1) {
    for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
  }
  switch (dtype) {
    case 'f4': return new Float32Array(copy.buffer);
    case 'f8': return new Float64Array(copy.buffer);
    case 'i4': return new Int32Array(copy.buffer);
    case 'i8': return new BigInt64Array(copy.buffer);
    case 'u1': return copy;
  }
}

/** Parses a .npy file; `source` (a file name) starts every error message. */
export function readNpy(bytes: Uint8Array, source = 'array'): NpyArray {
  const fail: (msg: string) => never = (msg) => {
    throw new NetspecError(`${source}: ${msg}`);
  };
  if (bytes.length === 0 || !MAGIC.slice(0, bytes.length).every((b, k) => bytes[k] === b)) {
    fail(`not a .npy file (${bytes.length === 0 ? 'it is empty' : 'it does not start with "\\x93NUMPY"'})`);
  }
  if (bytes.length < 10) fail(`truncated: ${bytes.length} bytes, shorter than a .npy preamble`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) fail(`.npy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) fail(`truncated: ${bytes.length} bytes, shorter than a .npy preamble`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenSize + headerLen;
  if (dataStart > bytes.length) fail(`truncated: the header claims ${headerLen} bytes but only ${bytes.length - 8 - lenSize} follow`);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(8 + lenSize, dataStart));
  } catch {
    return fail('the header is not valid UTF-8');
  }
  const header = parsePyLiteral(text, (msg) => fail(`malformed header: ${msg}`));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail('malformed header: not a dict');
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in header)) fail(`malformed header: missing '${key}'`);
  }
  const dtype = parseDescr(header['descr']!, fail);
  const fortran = header['fortran_order'];
  if (typeof fortran !== 'boolean') fail("malformed header: 'fortran_order' must be True or False");
  const shapeV = header['shape'];
  if (!Array.isArray(shapeV) || !shapeV.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    return fail(`malformed header: 'shape' must be a tuple of non-negative integers`);
  }
  const shape = shapeV as number[];
  if (fortran && shape.filter((d) => d > 1).length > 1) {
    // With at most one axis longer than 1, Fortran and C order are the same bytes.
    fail('Fortran-order arrays are not supported; save with np.save(path, np.ascontiguousarray(arr))');
  }
  const count = shape.reduce((p, d) => p * d, 1);
  const need = count * BYTES[dtype];
  if (!Number.isSafeInteger(need)) fail(`shape (${shape.join(', ')}) is too large`);
  const have = bytes.length - dataStart;
  if (have < need) fail(`truncated: shape (${shape.join(', ')}) of ${dtype} needs ${need} data bytes, the file has ${have}`);
  return { dtype, shape, data: copyOut(bytes.subarray(dataStart, dataStart + need), dtype) };
}

function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Serializes as np.save does (format 1.0, little-endian, C order). */
export function writeNpy(data: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((p, d) => p * d, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== data.length) {
    throw new Error(`internal: writeNpy got ${data.length} values for shape [${shape.join(',')}]`);
  }
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pyShape(shape)}, }`;
  // numpy ≥ 1.24 leaves room for the first axis to grow to 21 digits (GROWTH_AXIS_MAX_DIGITS).
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  const hlen = dict.length + 1; // + "\n"
  const pad = 64 - ((10 + hlen) % 64); // as numpy's _wrap_header: 1..64 spaces
  const headerLen = hlen + pad;
  if (headerLen > 0xffff) throw new Error(`internal: .npy header too long for format 1.0 (${headerLen} bytes)`);
  const out = new Uint8Array(10 + headerLen + 4 * count);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLen, true);
  for (let k = 0; k < dict.length; k++) out[10 + k] = dict.charCodeAt(k);
  out.fill(0x20, 10 + dict.length, 10 + headerLen - 1);
  out[10 + headerLen - 1] = 0x0a;
  const at = 10 + headerLen;
  if (hostIsLittleEndian) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  else if (data instanceof Float32Array) for (let i = 0; i < count; i++) view.setFloat32(at + 4 * i, data[i]!, true);
  else for (let i = 0; i < count; i++) view.setInt32(at + 4 * i, data[i]!, true);
  return out;
}

const NP_NAME: Record<NpyDtype, string> = { f4: 'float32', f8: 'float64', i4: 'int32', i8: 'int64', u1: 'uint8' };

/** Float inputs: f4 as is, f8 converted to float32; integer arrays are rejected. */
export function asFloat32(arr: NpyArray, source: string): Float32Array {
  if (arr.data instanceof Float32Array) return arr.data;
  if (arr.data instanceof Float64Array) return Float32Array.from(arr.data);
  throw new NetspecError(`${source}: expected a float32 (or float64) array, got ${NP_NAME[arr.dtype]}; convert it with arr.astype(np.float32)`);
}

/**
 * Class targets: int32, int64 and uint8 arrays become Int32Array. Float arrays are rejected
 * (class indices are integers; a float array is usually one-hot targets or the wrong file),
 * and int64 values must fit in int32.
 */
export function asClassIndices(arr: NpyArray, source: string): Int32Array {
  const d = arr.data;
  if (d instanceof Int32Array) return d;
  if (d instanceof Uint8Array) return Int32Array.from(d);
  if (d instanceof BigInt64Array) {
    const out = new Int32Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v < -2147483648n || v > 2147483647n) throw new NetspecError(`${source}: class index ${v} at position ${i} does not fit in int32`);
      out[i] = Number(v);
    }
    return out;
  }
  throw new NetspecError(`${source}: class targets must be an integer array (int32, int64 or uint8), got ${NP_NAME[arr.dtype]}; save them with y.astype(np.int64)`);
}
