// ONNX Runtime 1.30 inference runners: native (onnxruntime-node) and web (onnxruntime-web's
// wasm build), one thread each, on netspec's own ONNX export of the spec with the same weights.
import { createRequire } from 'node:module';
import { emitOnnx } from '../compiler/emit/onnx.js';
import { instantiate } from '../compiler/build.js';
import { BATCH, type Net, type Runner } from './nets.js';

const require = createRequire(import.meta.url);

export function onnxBytes(net: Net): Uint8Array {
  const m = instantiate(net.compiled, { maxBatch: 1, seed: 1 });
  return emitOnnx(net.model, (name) => Float32Array.from(m.param(name)));
}

type Session = { run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>; release?(): Promise<void> };
type OrtLike = { InferenceSession: { create(bytes: Uint8Array, o: object): Promise<Session> }; Tensor: new (t: string, d: Float32Array, dims: number[]) => unknown; env: { wasm: { numThreads: number; simd?: boolean } } };

export async function ortRunner(net: Net, flavor: 'node' | 'web'): Promise<Runner> {
  const ort: OrtLike = flavor === 'node' ? require('onnxruntime-node') : await import('onnxruntime-web');
  if (flavor === 'web') ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(onnxBytes(net), {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    ...(flavor === 'web' ? { executionProviders: ['wasm'] } : {}),
  });
  const per = net.x.length / BATCH;
  const t1 = new ort.Tensor('float32', net.x.slice(0, per), [1, ...net.inShape]);
  const t64 = new ort.Tensor('float32', net.x, [BATCH, ...net.inShape]);
  return {
    note: 'inference only',
    infer1: () => session.run({ input: t1 }),
    infer64: () => session.run({ input: t64 }),
    dispose: () => void session.release?.(),
  };
}
