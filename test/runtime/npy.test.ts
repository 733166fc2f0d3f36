import { describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { asClassIndices, asFloat32, readNpy, writeNpy } from '../../runtime/npy.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** A .npy file built by hand: magic, version, header length (u16 for 1.x, u32 otherwise), header, data. */
function npy(dict: string, data: ArrayLike<number>, opts: { major?: number; headerLen?: number; pad?: number } = {}): Uint8Array {
  const major = opts.major ?? 1;
  const lenBytes = major === 1 ? 2 : 4;
  const pre = 8 + lenBytes;
  const pad = opts.pad ?? (64 - ((pre + dict.length + 1) % 64)) % 64;
  const header = [...ascii(dict), ...new Array<number>(pad).fill(0x20), 0x0a];
  const len = opts.headerLen ?? header.length;
  const lenField = major === 1 ? [len & 0xff, len >> 8] : [len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >>> 24];
  return Uint8Array.from([0x93, ...ascii('NUMPY'), major, 0, ...lenField, ...header, ...Array.from(data)]);
}

const f32le = (...xs: number[]) => Array.from(new Uint8Array(Float32Array.from(xs).buffer));
const DICT_F4_2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NetspecError);
    return (e as Error).message;
  }
  throw new Error('expected a NetspecError');
}

describe('writeNpy', () => {
  it("writes np.save's bytes for float32 [2,3]: header length 0x76 ('v'), data at byte 128", () => {
    const data = Float32Array.of(0, 1, 2, 3, 4, 5);
    const expected = Uint8Array.from([
      ...ascii('\x93NUMPY\x01\x00v\x00'),
      ...ascii(DICT_F4_2x3),
      ...new Array<number>(118 - DICT_F4_2x3.length - 1).fill(0x20),
      0x0a,
      ...f32le(0, 1, 2, 3, 4, 5),
    ]);
    expect(writeNpy(data, [2, 3])).toEqual(expected);
  });

  // Bytes written by numpy 2.4 np.save (same as numpy ≥ 1.24, which leaves spare space for the first axis).
  it.each([
    ['int32 (5,)', Int32Array.of(0, 1, 2, 3, 4), [5], '934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028352c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000001000000020000000300000004000000'],
    ['float32 scalar ()', Float32Array.of(3), [], '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00004040'],
    ['a 15-d empty array whose spare space moves the data to byte 192', new Float32Array(0), [0, ...new Array<number>(14).fill(1)], '934e554d50590100b6007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028302c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c2031292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a'],
    ['a 12-d empty array whose header fills 128 bytes exactly, so numpy adds a whole 64 of padding', new Float32Array(0), [0, 1, 1, 1, 10, 10, 10, 10, 10, 10, 10, 10], '934e554d50590100b6007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028302c20312c20312c20312c2031302c2031302c2031302c2031302c2031302c2031302c2031302c203130292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a'],
  ])('matches numpy byte for byte: %s', (_what, data, shape, bytes) => {
    expect(writeNpy(data, shape)).toEqual(hex(bytes));
  });

  it('round-trips float32 and int32 through readNpy', () => {
    const f = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
    expect(readNpy(writeNpy(f, [2, 3, 4]))).toEqual({ dtype: 'f4', shape: [2, 3, 4], data: f });
    const i = Int32Array.of(-7, 0, 2147483647);
    expect(readNpy(writeNpy(i, [3]))).toEqual({ dtype: 'i4', shape: [3], data: i });
  });

  it('refuses data that does not fit the shape (internal)', () => {
    expect(() => writeNpy(new Float32Array(5), [2, 3])).toThrow(/internal: writeNpy got 5 values for shape \[2,3\]/);
  });
});

describe('readNpy', () => {
  it("reads the hand-built np.save fixture for float32 [2,3]", () => {
    const bytes = npy(DICT_F4_2x3, f32le(0, 1.5, 2, 3, 4, -5));
    expect(bytes[8]).toBe(0x76);
    expect(readNpy(bytes)).toEqual({ dtype: 'f4', shape: [2, 3], data: Float32Array.of(0, 1.5, 2, 3, 4, -5) });
  });

  it('reads f8, i8 (as BigInt64Array), u1 and a scalar', () => {
    const f8 = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(Float64Array.of(0.1, -2).buffer));
    expect(readNpy(f8)).toEqual({ dtype: 'f8', shape: [2], data: Float64Array.of(0.1, -2) });
    const i8 = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(BigInt64Array.of(3n, -1n, 9n).buffer));
    expect(readNpy(i8)).toEqual({ dtype: 'i8', shape: [3], data: BigInt64Array.of(3n, -1n, 9n) });
    const u1 = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", [0, 255, 7, 8]);
    expect(readNpy(u1)).toEqual({ dtype: 'u1', shape: [2, 2], data: Uint8Array.of(0, 255, 7, 8) });
    expect(readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f32le(3))).shape).toEqual([]);
  });

  it('reads format 2.0 and 3.0 (uint32 header length), any key order and spacing', () => {
    const dict = "{'shape':(2,),'fortran_order':False,\"descr\":'<f4'}";
    expect(readNpy(npy(dict, f32le(1, 2), { major: 2 })).data).toEqual(Float32Array.of(1, 2));
    expect(readNpy(npy(dict, f32le(1, 2), { major: 3 })).data).toEqual(Float32Array.of(1, 2));
  });

  it('copies data out: a misaligned view works and trailing bytes are ignored, as np.load does', () => {
    const inner = npy(DICT_F4_2x3, [...f32le(1, 2, 3, 4, 5, 6), 0xde, 0xad]);
    const outer = new Uint8Array(inner.length + 1);
    outer.set(inner, 1);
    const arr = readNpy(outer.subarray(1));
    outer.fill(0);
    expect(arr.data).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6));
  });

  it('copies out of a Node Buffer at an odd offset (whose slice() would be a view)', () => {
    const buf = Buffer.concat([Buffer.from([7]), Buffer.from(npy(DICT_F4_2x3, f32le(1, 2, 3, 4, 5, 6)))]).subarray(1);
    const arr = readNpy(buf);
    buf.fill(0);
    expect(arr.data).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6));
    const u1 = Buffer.from(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", [4, 5]));
    const bytes = readNpy(u1);
    u1.fill(0);
    expect(bytes.data).toEqual(Uint8Array.of(4, 5));
  });

  it('accepts fortran_order True when at most one axis is longer than 1 (the bytes are the same)', () => {
    expect(readNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }", f32le(1, 2, 3))).data).toEqual(Float32Array.of(1, 2, 3));
  });

  it.each([
    ['an empty file', new Uint8Array(0), 'x.npy: not a .npy file (it is empty)'],
    ['another format', Uint8Array.from(ascii('PK\x03\x04 zip')), 'x.npy: not a .npy file (it does not start with "\\x93NUMPY")'],
    ['a truncated preamble', Uint8Array.from([0x93, ...ascii('NUMPY'), 1]), 'x.npy: truncated: 7 bytes, shorter than a .npy preamble'],
    ['version 4.0', npy(DICT_F4_2x3, [], { major: 4 }), 'x.npy: .npy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)'],
    ['a header longer than the file', npy(DICT_F4_2x3, [], { headerLen: 500 }), 'x.npy: truncated: the header claims 500 bytes but only 118 follow'],
    ['truncated data', npy(DICT_F4_2x3, f32le(1, 2, 3)), 'x.npy: truncated: shape (2, 3) of f4 needs 24 data bytes, the file has 12'],
    ['Fortran order', npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f32le(1, 2, 3, 4, 5, 6)), 'x.npy: Fortran-order arrays are not supported; save with np.save(path, np.ascontiguousarray(arr))'],
    ['big-endian data', npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", [0x3f, 0x80, 0, 0]), "x.npy: big-endian data ('>f4') is not supported"],
    ['float16', npy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", [0, 0]), "x.npy: dtype '<f2' is not supported (netspec reads float32, float64, int32, int64, uint8)"],
    ['an object array', npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", []), "x.npy: dtype '|O' is not supported"],
    ['a structured array', npy("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32le(1)), 'x.npy: structured arrays (a list descr) are not supported'],
    ['a missing key', npy("{'descr': '<f4', 'shape': (1,), }", f32le(1)), "x.npy: malformed header: missing 'fortran_order'"],
    ['a negative dimension', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", f32le(1)), "x.npy: malformed header: 'shape' must be a tuple of non-negative integers"],
    ['broken syntax', npy("{'descr': '<f4' 'fortran_order': False}", []), "x.npy: malformed header: expected ',' or '}' at header offset 16"],
    ['an unterminated string', npy("{'descr: '<f4'}", []), 'x.npy: malformed header: expected'],
    ['a non-dict header', npy('(1, 2)', []), 'x.npy: malformed header: not a dict'],
    ['a non-boolean fortran_order', npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", f32le(1)), "x.npy: malformed header: 'fortran_order' must be True or False"],
  ])('rejects %s', (_what, bytes, message) => {
    expect(errorOf(() => readNpy(bytes, 'x.npy'))).toContain(message);
  });
});

describe('asFloat32 / asClassIndices', () => {
  it('asFloat32 keeps f4, converts f8, rejects integers', () => {
    const f4 = { dtype: 'f4' as const, shape: [2], data: Float32Array.of(1, 2) };
    expect(asFloat32(f4, 'x.npy')).toBe(f4.data);
    expect(asFloat32({ dtype: 'f8', shape: [1], data: Float64Array.of(0.1) }, 'x.npy')).toEqual(Float32Array.of(0.1));
    expect(errorOf(() => asFloat32({ dtype: 'i8', shape: [1], data: BigInt64Array.of(1n) }, 'x.npy'))).toBe(
      'x.npy: expected a float32 (or float64) array, got int64; convert it with arr.astype(np.float32)',
    );
  });

  it('asClassIndices takes i4, i8 and u1, rejects floats and out-of-range int64', () => {
    expect(asClassIndices({ dtype: 'i4', shape: [2], data: Int32Array.of(3, 1) }, 'y')).toEqual(Int32Array.of(3, 1));
    expect(asClassIndices({ dtype: 'i8', shape: [2], data: BigInt64Array.of(9n, 0n) }, 'y')).toEqual(Int32Array.of(9, 0));
    expect(asClassIndices({ dtype: 'u1', shape: [2], data: Uint8Array.of(255, 4) }, 'y')).toEqual(Int32Array.of(255, 4));
    expect(errorOf(() => asClassIndices({ dtype: 'f4', shape: [1], data: Float32Array.of(1) }, 'y.npy'))).toBe(
      'y.npy: class targets must be an integer array (int32, int64 or uint8), got float32; save them with y.astype(np.int64)',
    );
    expect(errorOf(() => asClassIndices({ dtype: 'i8', shape: [2], data: BigInt64Array.of(0n, 2n ** 31n) }, 'y.npy'))).toBe(
      'y.npy: class index 2147483648 at position 1 does not fit in int32',
    );
  });
});
