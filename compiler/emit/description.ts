// The model description the runtime needs beside the kernels: shapes, where each tensor
// lives in the arena, parameter names and init bounds, optimizer, dropout masks, blocks.
import type { ModelDescription, Region } from '../../runtime/model.js';
import type { OptimizerConfig } from '../../runtime/optim.js';
import type { MemoryPlan } from '../passes/memory.js';
import type { Program } from '../passes/lower.js';
import { summarize } from '../summary.js';
import { VERSION } from '../version.js';

export function describe(program: Program, plan: MemoryPlan): ModelDescription {
  const region = (buf: string): Region => {
    const p = plan.placement.get(buf);
    if (!p) throw new Error(`internal: buffer ${buf} has no placement`);
    return { fixed: p.fixed, perSample: p.perSample };
  };
  const model = program.model;
  const masks = [...program.buffers.values()]
    .filter((b) => b.dropoutP !== undefined)
    .map((b) => ({ at: region(b.name), size: b.size, p: b.dropoutP! }));
  const out: ModelDescription = {
    netspec: VERSION,
    name: model.name,
    ...(model.description ? { description: model.description } : {}),
    input: { shape: [...program.inputShape], at: region(program.input) },
    output: { shape: [...program.outputShape], at: region(program.output) },
    params: program.params.map((p) => ({ name: p.name, shape: [...p.shape], offset: plan.placement.get(p.buffer)!.fixed, bound: p.init.bound })),
    paramRegion: plan.params,
    gradRegion: { offset: plan.grads.offset },
    optimizerState: plan.optimizerState,
    masks,
    blocks: program.blocks.map((b) => ({
      name: b.name,
      input: { shape: [...b.inShape], at: region(b.input) },
      output: { shape: [...b.outShape], at: region(b.output) },
    })),
    arena: { fixed: plan.fixed, perSample: plan.perSample },
    flops: summarize(model).totalFlops,
  };
  if (program.target && program.loss && program.targetShape) {
    out.target = { shape: [...program.targetShape], at: region(program.target), ...(program.classTargets ? { classes: program.outputShape[0] } : {}) };
    out.loss = { name: model.loss!.name, at: region(program.loss) };
  }
  if (program.inputGrad) out.inputGrad = region(program.inputGrad);
  if (program.optimizer) out.optimizer = program.optimizer as unknown as OptimizerConfig;
  return out;
}
