// export → import → export: the same graph and weights, byte for byte, and the same spec
// (ops, attributes, names, blocks, dropout with its p) for every shipped and extra spec.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitOnnx } from '../../compiler/emit/onnx.js';
import { importOnnx } from '../../compiler/import/onnx-spec.js';
import type { Model } from '../../compiler/ir/graph.js';
import { readSafetensors } from '../../runtime/safetensors.js';
import { EXTRA_SPECS, exportSpec, SHIPPED_SPECS } from './helpers.js';

const layers = (m: Model) => m.nodes.map((n) => ({ op: n.op.name, attrs: n.attrs, prefix: n.prefix, out: n.outShape }));

describe.each([...SHIPPED_SPECS, ...EXTRA_SPECS].map((p) => [basename(p), p]))('%s', (_name, path) => {
  it('round-trips: export → import → export gives the same bytes, spec and weights', () => {
    const first = exportSpec(path, 7);
    const imported = importOnnx(first.bytes, `${first.model.name}.onnx`, { specPath: `${first.model.name}.yaml` });
    expect(imported.model.name).toBe(first.model.name);
    expect(imported.model.description).toBe(first.model.description);
    expect(imported.model.inputShape).toEqual(first.model.inputShape);
    expect(layers(imported.model)).toEqual(layers(first.model));
    expect(imported.model.blocks.map((b) => [b.name, b.from, b.to])).toEqual(first.model.blocks.map((b) => [b.name, b.from, b.to]));
    expect(imported.renamed).toEqual([]);
    expect(imported.notes).toEqual([]);
    const w = readSafetensors(imported.weights);
    expect([...w.keys()].sort()).toEqual([...first.weights.keys()].sort());
    const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const [name, data] of first.weights) expect(bytesOf(w.get(name)!.data as Float32Array).equals(bytesOf(data)), name).toBe(true);
    const second = emitOnnx(imported.model, (n) => w.get(n)!.data as Float32Array);
    expect(Buffer.from(second).equals(Buffer.from(first.bytes))).toBe(true);
  });
});
