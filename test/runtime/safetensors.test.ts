import { describe, expect, it } from 'vitest';
import { NetspecError } from '../../runtime/errors.js';
import { matchWeights, readSafetensors, writeSafetensors } from '../../runtime/safetensors.js';

const enc = new TextEncoder();

/** A safetensors file from a header (object or raw text) and data bytes, built by hand. */
function build(header: object | string, data: ArrayLike<number> = [], headerLenOverride?: number): Uint8Array {
  const text = enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLenOverride ?? text.length, true);
  out.set(text, 8);
  out.set(Array.from(data), 8 + text.length);
  return out;
}

const f32le = (...xs: number[]) => Array.from(new Uint8Array(Float32Array.from(xs).buffer));

function errorOf(f: () => unknown): NetspecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NetspecError);
    return e as NetspecError;
  }
  throw new Error('expected a NetspecError');
}

describe('writeSafetensors', () => {
  it('writes the reference layout byte for byte: sorted names, metadata first, header space-padded to 8', () => {
    const bytes = writeSafetensors(
      [
        { name: 'fc.weight', shape: [1, 2], data: Float32Array.of(1, -2) },
        { name: 'fc.bias', shape: [1], data: Float32Array.of(0.5) },
      ],
      { format: 'pt' },
    );
    const json =
      '{"__metadata__":{"format":"pt"},' +
      '"fc.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
      '"fc.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}';
    const padded = json + ' '.repeat((8 - (json.length % 8)) % 8);
    const expected = [
      ...[padded.length, 0, 0, 0, 0, 0, 0, 0],
      ...enc.encode(padded),
      ...[0x00, 0x00, 0x00, 0x3f], // 0.5
      ...[0x00, 0x00, 0x80, 0x3f], // 1
      ...[0x00, 0x00, 0x00, 0xc0], // -2
    ];
    expect(padded.length % 8).toBe(0);
    expect(padded.length).toBeGreaterThan(json.length); // the padding is exercised
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('round-trips through readSafetensors, with metadata, scalars and empty tensors', () => {
    const w = Float32Array.from({ length: 12 }, (_, i) => i * 0.25 - 1);
    const bytes = writeSafetensors(
      [
        { name: 'z', shape: [], data: Float32Array.of(3) },
        { name: 'a.weight', shape: [3, 4], data: w },
        { name: 'empty', shape: [0, 3], data: new Float32Array(0) },
      ],
      { note: 'hi', netspec: '1' },
    );
    const file = readSafetensors(bytes, 'rt.safetensors');
    expect([...file.keys()].sort()).toEqual(['a.weight', 'empty', 'z']);
    expect(file.metadata).toEqual({ note: 'hi', netspec: '1' });
    expect(file.get('a.weight')).toEqual({ dtype: 'F32', shape: [3, 4], data: w });
    expect(file.get('z')).toEqual({ dtype: 'F32', shape: [], data: Float32Array.of(3) });
    expect(file.get('empty')!.data.length).toBe(0);
    const headerLen = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + headerLen) % 8).toBe(0);
  });

  it('refuses inconsistent input as internal errors', () => {
    expect(() => writeSafetensors([{ name: 'a', shape: [2], data: new Float32Array(3) }])).toThrow(/internal: tensor 'a' has 3 values but shape \[2\]/);
    const t = { name: 'a', shape: [1], data: new Float32Array(1) };
    expect(() => writeSafetensors([t, t])).toThrow(/internal: tensor 'a' written twice/);
  });
});

describe('readSafetensors', () => {
  it('reads F64, I32 and I64 (as BigInt64Array) from a hand-built file', () => {
    const data = [
      ...new Uint8Array(Float64Array.of(1.5, -2).buffer),
      ...new Uint8Array(Int32Array.of(7, -1).buffer),
      ...new Uint8Array(BigInt64Array.of(-5n, 2n ** 40n).buffer),
    ];
    const file = readSafetensors(
      build(
        {
          d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
          i: { dtype: 'I32', shape: [2, 1], data_offsets: [16, 24] },
          l: { dtype: 'I64', shape: [2], data_offsets: [24, 40] },
        },
        data,
      ),
    );
    expect(file.get('d')).toEqual({ dtype: 'F64', shape: [2], data: Float64Array.of(1.5, -2) });
    expect(file.get('i')).toEqual({ dtype: 'I32', shape: [2, 1], data: Int32Array.of(7, -1) });
    expect(file.get('l')).toEqual({ dtype: 'I64', shape: [2], data: BigInt64Array.of(-5n, 2n ** 40n) });
    expect(file.metadata).toBeUndefined();
  });

  it('copies data out, so misaligned input works and the file bytes can be reused', () => {
    const inner = build({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32le(1, 2));
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    const file = readSafetensors(outer.subarray(3));
    outer.fill(0);
    expect(file.get('x')!.data).toEqual(Float32Array.of(1, 2));
  });

  it('copies out of a Node Buffer at an odd offset (whose slice() would be a view)', () => {
    const inner = build({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32le(1, 2));
    const buf = Buffer.concat([Buffer.from([7]), Buffer.from(inner)]).subarray(1);
    const file = readSafetensors(buf);
    buf.fill(0);
    expect(file.get('x')!.data).toEqual(Float32Array.of(1, 2));
  });

  it('accepts tensors listed in any order and a header padded with spaces', () => {
    const header = JSON.stringify({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }) + '   ';
    const file = readSafetensors(build(header, f32le(1, 2)));
    expect(file.get('a')!.data).toEqual(Float32Array.of(1));
    expect(file.get('b')!.data).toEqual(Float32Array.of(2));
  });

  const one = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  it.each([
    ['a file shorter than 8 bytes', new Uint8Array(5), 'w.st: truncated: 5 bytes, less than the 8-byte header length of a safetensors file'],
    ['a header length beyond the file', build(one, f32le(1, 2), 500), 'w.st: truncated: the header claims 500 bytes but only'],
    ['a huge header length', build(one, f32le(1, 2), 100_000_001), 'not a safetensors file: header length 100000001 is larger than the 100 MB limit'],
    ['a header length of 2^32 or more', (() => { const b = build(one, f32le(1, 2)); b[4] = 1; return b; })(), 'header length 4294967350 is larger than the 100 MB limit'],
    ['invalid UTF-8', build('{"x":1}').map((b, i) => (i === 10 ? 0xff : b)), 'not a safetensors file: the header is not valid UTF-8'],
    ['bad JSON', build('{"x": '), 'the header is not valid JSON'],
    ['a JSON array', build('[1, 2]'), 'the header is not a JSON object'],
    ['non-string metadata', build({ __metadata__: { epoch: 3 } }), '"__metadata__".epoch must be a string, got 3'],
    ['an entry that is not an object', build({ x: [1] }), "tensor 'x': entry must be an object"],
    ['a missing dtype', build({ x: { shape: [1], data_offsets: [0, 4] } }, f32le(1)), `tensor 'x': missing or non-string "dtype"`],
    ['an unknown dtype', build({ x: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } }, f32le(1)), `tensor 'x': dtype "toString" is not a safetensors dtype (netspec reads F32, F64, I32, I64)`],
    ['an unsupported dtype', build({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, f32le(1)), `tensor 'x': dtype "F16" is not supported (netspec reads F32, F64, I32, I64)`],
    ['a bad shape', build({ x: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 4] } }, f32le(1)), `tensor 'x': "shape" must be an array of non-negative integers, got [2,-1]`],
    ['reversed data_offsets', build({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, f32le(1)), `tensor 'x': "data_offsets" must be [begin, end] with 0 <= begin <= end, got [4,0]`],
    ['data_offsets of 3 numbers', build({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, f32le(1)), '"data_offsets" must be [begin, end]'],
    ['offsets that do not match shape × dtype', build({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32le(1, 2)), "tensor 'x': data_offsets [0, 8] hold 8 bytes, but F32 [3] needs 12"],
    ['offsets beyond the data (truncated file)', build({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32le(1)), "truncated: tensor 'x' has data_offsets [0, 8] but the data section has only 4 bytes"],
    ['overlapping tensors', build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32le(1, 2)), "tensors 'a' and 'b' overlap (data_offsets [0, 8] and [4, 8])"],
    ['a hole between tensors', build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32le(1, 2, 3)), "bytes [4, 8) of the data section belong to no tensor (a hole before 'b')"],
    ['bytes after the last tensor', build(one, [...f32le(1, 2), 9, 9, 9]), "3 bytes after the last tensor's data"],
  ])('rejects %s', (_what, bytes, message) => {
    const e = errorOf(() => readSafetensors(bytes, 'w.st'));
    expect(e.message.startsWith('w.st: ')).toBe(true);
    expect(e.message).toContain(message);
  });
});

describe('matchWeights', () => {
  const expected = [
    { name: 'fc1.weight', shape: [2, 3] },
    { name: 'fc1.bias', shape: [2] },
  ];

  it('returns float32 data in the expected order, converting F64', () => {
    const file = new Map([
      ['fc1.bias', { dtype: 'F64' as const, shape: [2], data: Float64Array.of(0.1, 0.2) }],
      ['fc1.weight', { dtype: 'F32' as const, shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
    ]);
    const [w, b] = matchWeights(expected, file, 'w.safetensors');
    expect(w).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6));
    expect(b).toEqual(Float32Array.of(0.1, 0.2));
    expect(b).toBeInstanceOf(Float32Array);
  });

  it('reports every problem in one error: missing, unexpected, shape and dtype', () => {
    const file = new Map([
      ['fc1.weight', { dtype: 'F32' as const, shape: [128, 3136], data: new Float32Array(128 * 3136) }],
      ['fc2.weight', { dtype: 'I64' as const, shape: [10, 128], data: new BigInt64Array(1280) }],
      ['fc9.bias', { dtype: 'F32' as const, shape: [4], data: new Float32Array(4) }],
    ]);
    const e = errorOf(() =>
      matchWeights(
        [{ name: 'fc1.weight', shape: [128, 3137] }, { name: 'fc1.bias', shape: [128] }, { name: 'fc2.weight', shape: [10, 128] }],
        file,
        'cnn.safetensors',
      ),
    );
    expect(e.message).toBe(
      'cnn.safetensors: weights do not match the model (4 problems):\n' +
        '  fc1.weight: file has [128,3136], model needs [128,3137]\n' +
        "  missing tensor 'fc1.bias' (model needs [128])\n" +
        '  fc2.weight: file has dtype I64, model needs F32 (or F64, converted)\n' +
        "  unexpected tensor 'fc9.bias' [4]: the model has no parameter of that name",
    );
  });

  it('works on what readSafetensors returns', () => {
    const bytes = writeSafetensors([
      { name: 'fc1.bias', shape: [2], data: Float32Array.of(1, 2) },
      { name: 'fc1.weight', shape: [2, 3], data: new Float32Array(6) },
    ]);
    const [w, b] = matchWeights(expected, readSafetensors(bytes, 'x'), 'x');
    expect(w!.length).toBe(6);
    expect(b).toEqual(Float32Array.of(1, 2));
  });
});
