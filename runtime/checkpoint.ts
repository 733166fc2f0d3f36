/**
 * Training checkpoints: one safetensors file that a resumed run continues from exactly.
 *
 *   tensors        every parameter under its state_dict name (F32), as a weights file has them;
 *                  `__optimizer__.K` (F32 [P]): the optimizer's K-th state buffer over the flat
 *                  parameter vector, parameters in the model's order (SGD: K=0 the momentum
 *                  buffer, when momentum ≠ 0; Adam: K=0 exp_avg, K=1 exp_avg_sq)
 *   __metadata__   format      "netspec-checkpoint/1"
 *                  netspec     the version that wrote it
 *                  model       the spec's name
 *                  optimizer   JSON {"kind": "sgd"|"adam", "step": steps taken (Adam's t)}
 *                  rng         JSON [4 uint32]: the model's generator (dropout masks)
 *                  trainer     JSON TrainerState: step, epoch, step in epoch, the shuffling
 *                              generator at the start of the epoch, batch, shuffle, seed, N,
 *                              and the epoch's running sums (loss, correct, confusion)
 *
 * The parameter names cannot collide with `__optimizer__.K`: layer names start with a letter.
 * A checkpoint is not a weights file (loadWeights rejects the extra tensors); `--save` writes those.
 */
import { NetspecError } from './errors.js';
import type { NetspecModel } from './model.js';
import { matchWeights, readSafetensors, writeSafetensors, type TensorToWrite } from './safetensors.js';
import type { TrainerState } from './train.js';

export const CHECKPOINT_FORMAT = 'netspec-checkpoint/1';
const OPT = '__optimizer__.';

export interface Checkpoint {
  model: string;
  weights: Float32Array[];
  optimizer?: { kind: string; step: number; buffers: Float32Array[] };
  rng: number[];
  trainer: TrainerState;
}

export function encodeCheckpoint(model: NetspecModel, trainer: TrainerState, version: string): Uint8Array {
  const tensors: TensorToWrite[] = model.info.params.map((p) => ({ name: p.name, shape: p.shape, data: Float32Array.from(model.param(p.name)) }));
  const opt = model.optimizerState();
  opt?.buffers.forEach((b, k) => tensors.push({ name: `${OPT}${k}`, shape: [b.length], data: Float32Array.from(b) }));
  return writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    netspec: version,
    model: model.info.name,
    optimizer: JSON.stringify({ kind: model.optimizer?.config.kind ?? 'none', step: opt?.step ?? 0 }),
    rng: JSON.stringify(Array.from(model.rngState())),
    trainer: JSON.stringify(trainer),
  });
}

/** Reads and checks a checkpoint against `model` (names the file in every error). */
export function decodeCheckpoint(bytes: Uint8Array, model: NetspecModel, source: string): Checkpoint {
  const file = readSafetensors(bytes, source);
  const meta = file.metadata ?? {};
  if (meta['format'] !== CHECKPOINT_FORMAT) {
    throw new NetspecError(`${source}: not a netspec checkpoint (its metadata has no format "${CHECKPOINT_FORMAT}"); --resume takes a file written by --checkpoint-every`);
  }
  if (meta['model'] !== model.info.name) {
    throw new NetspecError(`${source}: a checkpoint of model '${meta['model']}', not of '${model.info.name}'`);
  }
  const parse = <T>(key: string): T => {
    try {
      return JSON.parse(meta[key] ?? '') as T;
    } catch {
      throw new NetspecError(`${source}: corrupt checkpoint metadata '${key}'`);
    }
  };
  const weightsOnly = new Map([...file].filter(([name]) => !name.startsWith(OPT)));
  const weights = matchWeights(model.info.params, weightsOnly, source);
  const optMeta = parse<{ kind: string; step: number }>('optimizer');
  const buffers: Float32Array[] = [];
  for (let k = 0; file.has(`${OPT}${k}`); k++) {
    const t = file.get(`${OPT}${k}`)!;
    if (!(t.data instanceof Float32Array)) throw new NetspecError(`${source}: optimizer buffer ${k} must be F32, got ${t.dtype}`);
    buffers.push(t.data);
  }
  const kind = model.optimizer?.config.kind ?? 'none';
  if (optMeta.kind !== kind) throw new NetspecError(`${source}: saved with optimizer ${optMeta.kind}, the spec now uses ${kind}`);
  return {
    model: model.info.name,
    weights,
    optimizer: model.optimizer ? { kind, step: optMeta.step, buffers } : undefined,
    rng: parse<number[]>('rng'),
    trainer: parse<TrainerState>('trainer'),
  };
}

/** Puts a checkpoint's weights, optimizer state and dropout generator into `model`. */
export function restoreModel(model: NetspecModel, c: Checkpoint): void {
  model.info.params.forEach((p, i) => model.param(p.name).set(c.weights[i]!));
  if (c.optimizer) model.loadOptimizerState({ step: c.optimizer.step, buffers: c.optimizer.buffers });
  model.setRngState(c.rng);
}
