import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { readIdx } from '../../runtime/idx.js';
import { readFileBytes, readIdxFile, writeFileAtomic } from '../../runtime/node-io.js';

/** An IDX file built by hand: 0, 0, type, ndims, big-endian dims, then the data bytes. */
function idx(type: number, dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, type, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NetspecError);
    return (e as Error).message;
  }
  throw new Error('expected a NetspecError');
}

describe('readIdx', () => {
  it('reads MNIST-style ubyte images [2,2,3] with big-endian dims', () => {
    const bytes = idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 2]);
    expect(readIdx(bytes, 'img')).toEqual({ shape: [2, 2, 3], data: Uint8Array.of(0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255) });
  });

  it('reads labels [3] and a dimension above 255 (60000)', () => {
    expect(readIdx(idx(0x08, [3], [7, 2, 1])).data).toEqual(Uint8Array.of(7, 2, 1));
    const big = readIdx(idx(0x08, [60000], new Array<number>(60000).fill(1)));
    expect(big.shape).toEqual([60000]);
  });

  it('reads big-endian int8, int16, int32, float32 and float64', () => {
    expect(readIdx(idx(0x09, [2], [0xff, 0x7f])).data).toEqual(Int8Array.of(-1, 127));
    expect(readIdx(idx(0x0b, [2], [0xff, 0xfe, 0x01, 0x00])).data).toEqual(Int16Array.of(-2, 256));
    expect(readIdx(idx(0x0c, [1], [0x80, 0, 0, 1])).data).toEqual(Int32Array.of(-2147483647));
    expect(readIdx(idx(0x0d, [2], [0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0])).data).toEqual(Float32Array.of(1, -2));
    expect(readIdx(idx(0x0e, [1], [0x3f, 0xf8, 0, 0, 0, 0, 0, 0])).data).toEqual(Float64Array.of(1.5));
  });

  it('copies data out of a misaligned view', () => {
    const inner = idx(0x0d, [1], [0x40, 0x40, 0, 0]);
    const outer = new Uint8Array(inner.length + 1);
    outer.set(inner, 1);
    const arr = readIdx(outer.subarray(1));
    outer.fill(0);
    expect(arr.data).toEqual(Float32Array.of(3));
  });

  it('copies out of a Node Buffer (whose slice() would be a view), for uint8 and int8', () => {
    const u8 = Buffer.from(idx(0x08, [2], [1, 2]));
    const i8 = Buffer.from(idx(0x09, [2], [0xff, 3]));
    const a = readIdx(u8), b = readIdx(i8);
    u8.fill(0);
    i8.fill(0);
    expect(a.data).toEqual(Uint8Array.of(1, 2));
    expect(b.data).toEqual(Int8Array.of(-1, 3));
  });

  it.each([
    ['gzip data', Uint8Array.of(0x1f, 0x8b, 8, 0), 'train.idx: is gzip-compressed; decompress it first (gunzip), or read it with readIdxFile, which does'],
    ['a file shorter than the magic', Uint8Array.of(0, 0), 'train.idx: truncated: 2 bytes, shorter than the 4-byte IDX magic'],
    ['a nonzero magic', Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), 'train.idx: not an IDX file (its first two bytes are not zero)'],
    ['an unknown type', Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 0), 'train.idx: not an IDX file: unknown element type 0x0a'],
    ['zero dimensions', Uint8Array.of(0, 0, 8, 0), 'train.idx: an IDX file must have at least one dimension'],
    ['truncated dims', Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1), 'train.idx: truncated: the header declares 3 dimensions but the file has only 8 bytes'],
    ['truncated data', idx(0x08, [2, 28, 28], new Array<number>(1000).fill(0)), 'train.idx: truncated: the header declares [2,28,28] uint8 (1568 bytes), but only 1000 data bytes follow'],
    ['trailing bytes', idx(0x08, [2], [1, 2, 3]), 'train.idx: 1 bytes after the data that the header declares, [2] uint8 (2 bytes): corrupt file or wrong header'],
  ])('rejects %s', (_what, bytes, message) => {
    expect(errorOf(() => readIdx(bytes, 'train.idx'))).toBe(message);
  });
});

describe('node-io', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspec-io-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('readFileBytes returns the bytes as a plain Uint8Array', () => {
    const path = join(dir, 'a.bin');
    writeFileSync(path, Uint8Array.of(1, 2, 3));
    const bytes = readFileBytes(path, 'input array');
    expect(bytes).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('readFileBytes turns ENOENT and EISDIR into clear NetspecErrors', () => {
    const missing = join(dir, 'nope.safetensors');
    expect(errorOf(() => readFileBytes(missing, 'weights'))).toBe(`cannot read weights '${missing}': no such file`);
    expect(errorOf(() => readFileBytes(dir, 'weights'))).toBe(`cannot read weights '${dir}': it is a directory`);
  });

  it('readIdxFile reads plain and gzip-compressed files (detected by magic, not name)', () => {
    const raw = idx(0x08, [2, 2], [1, 2, 3, 4]);
    writeFileSync(join(dir, 'plain-idx3-ubyte'), raw);
    writeFileSync(join(dir, 'images-idx3-ubyte.gz'), gzipSync(raw));
    writeFileSync(join(dir, 'no-extension'), gzipSync(raw));
    for (const name of ['plain-idx3-ubyte', 'images-idx3-ubyte.gz', 'no-extension']) {
      expect(readIdxFile(join(dir, name))).toEqual({ shape: [2, 2], data: Uint8Array.of(1, 2, 3, 4) });
    }
  });

  it('readIdxFile reports corrupt gzip, a missing file, and names the file in format errors', () => {
    const corrupt = join(dir, 'corrupt.gz');
    writeFileSync(corrupt, Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3));
    expect(errorOf(() => readIdxFile(corrupt, 'MNIST images'))).toMatch(new RegExp(`^cannot read MNIST images '${corrupt}': corrupt gzip data \\(`));
    expect(errorOf(() => readIdxFile(join(dir, 'missing.gz'), 'MNIST labels'))).toBe(`cannot read MNIST labels '${join(dir, 'missing.gz')}': no such file`);
    const bad = join(dir, 'bad.gz');
    writeFileSync(bad, gzipSync(idx(0x08, [5], [1])));
    expect(errorOf(() => readIdxFile(bad))).toBe(`${bad}: truncated: the header declares [5] uint8 (5 bytes), but only 1 data bytes follow`);
  });

  it('writeFileAtomic writes, replaces, and leaves no temporary file behind', () => {
    const sub = join(dir, 'atomic');
    mkdirSync(sub);
    const path = join(sub, 'w.safetensors');
    writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    writeFileAtomic(path, Uint8Array.of(9, 8));
    expect(new Uint8Array(readFileSync(path))).toEqual(Uint8Array.of(9, 8));
    expect(readdirSync(sub)).toEqual(['w.safetensors']);
  });

  it('writeFileAtomic reports a missing directory and a directory in the way, and cleans up', () => {
    const path = join(dir, 'no-such-dir', 'w.safetensors');
    expect(errorOf(() => writeFileAtomic(path, Uint8Array.of(1), 'weights'))).toBe(
      `cannot write weights '${path}': directory '${join(dir, 'no-such-dir')}' does not exist`,
    );
    const target = join(dir, 'occupied');
    mkdirSync(join(target, 'inner'), { recursive: true });
    expect(errorOf(() => writeFileAtomic(target, Uint8Array.of(1), 'ONNX model'))).toBe(`cannot write ONNX model '${target}': it is a directory`);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
