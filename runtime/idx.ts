/**
 * The IDX format of MNIST (yann.lecun.com/exdb/mnist):
 *
 *   byte 0, 1   zero
 *   byte 2      element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte 3      number of dimensions
 *   then        one uint32 big-endian per dimension, then the data, big-endian, C order
 *
 * The data is converted to host order and copied out. gzip-compressed files (.gz) are
 * recognized by their magic and rejected here with a hint: decompression needs zlib, which
 * lives in the Node-only `node-io.ts` (`readIdxFile`).
 */
import { NetspecError } from './errors.js';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  shape: number[];
  data: IdxData;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses an (uncompressed) IDX file; `source` (a file name) starts every error message. */
export function readIdx(bytes: Uint8Array, source = 'IDX file'): IdxArray {
  const fail: (msg: string) => never = (msg) => {
    throw new NetspecError(`${source}: ${msg}`);
  };
  if (isGzip(bytes)) fail('is gzip-compressed; decompress it first (gunzip), or read it with readIdxFile, which does');
  if (bytes.length < 4) fail(`truncated: ${bytes.length} bytes, shorter than the 4-byte IDX magic`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail('not an IDX file (its first two bytes are not zero)');
  const type = TYPES[bytes[2]!];
  if (type === undefined) fail(`not an IDX file: unknown element type 0x${bytes[2]!.toString(16).padStart(2, '0')}`);
  const { name, bytes: width } = type;
  const ndims = bytes[3]!;
  if (ndims === 0) fail('an IDX file must have at least one dimension');
  const dataStart = 4 + 4 * ndims;
  if (bytes.length < dataStart) fail(`truncated: the header declares ${ndims} dimensions but the file has only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let k = 0; k < ndims; k++) shape.push(view.getUint32(4 + 4 * k, false));
  const count = shape.reduce((p, d) => p * d, 1);
  const need = count * width;
  const have = bytes.length - dataStart;
  const desc = `[${shape.join(',')}] ${name} (${need} bytes)`;
  if (!Number.isSafeInteger(need)) fail(`shape [${shape.join(',')}] is too large`);
  if (have < need) fail(`truncated: the header declares ${desc}, but only ${have} data bytes follow`);
  if (have > need) fail(`${have - need} bytes after the data that the header declares, ${desc}: corrupt file or wrong header`);

  switch (width) {
    case 1: {
      // A copy (not .slice(), which on a Node Buffer is a view).
      const out = name === 'uint8' ? new Uint8Array(count) : new Int8Array(count);
      out.set(name === 'uint8' ? bytes.subarray(dataStart) : new Int8Array(bytes.buffer, bytes.byteOffset + dataStart, count));
      return { shape, data: out };
    }
    case 2: {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(dataStart + 2 * i, false);
      return { shape, data: out };
    }
    case 4: {
      const out = name === 'int32' ? new Int32Array(count) : new Float32Array(count);
      if (out instanceof Int32Array) for (let i = 0; i < count; i++) out[i] = view.getInt32(dataStart + 4 * i, false);
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(dataStart + 4 * i, false);
      return { shape, data: out };
    }
    default: {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(dataStart + 8 * i, false);
      return { shape, data: out };
    }
  }
}
