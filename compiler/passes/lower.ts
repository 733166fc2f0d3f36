// Lowering: the shaped graph becomes buffers and kernels. Forward kernels run the ops in
// order; the backward pass (autodiff) runs the loss kernel and then every op's backward in
// reverse order, accumulating a gradient where a value fans out. Every buffer records the
// schedule steps at which it is live, for the memory planner.
import { KernelBuilder, type Stmt } from '../ir/kernel.js';
import type { LayerNode, Model, OptimizerConfig } from '../ir/graph.js';
import { LOSSES } from '../ops/index.js';
import { size, type Shape } from '../ops/types.js';
import { outputShape, parametersOf, type ParamInfo } from './shapes.js';

export type BufferKind = 'input' | 'target' | 'param' | 'grad' | 'act' | 'dact' | 'saved' | 'temp' | 'loss';

export interface BufferDecl {
  name: string;
  kind: BufferKind;
  /** Elements per sample when batched, else in total. */
  size: number;
  batched: boolean;
  /** Schedule steps at which the buffer holds a live value: one interval [first, last], or for temp buffers one per kernel that uses it. */
  live: [number, number][];
  /** Dropout mask: the runtime fills it with 0 or 1/(1-p) before a training forward. */
  dropoutP?: number;
}

/** One emitted function: an op's forward or backward at one call site, or the loss. */
export interface KernelFn {
  name: string;
  body: Stmt[];
  /** What it computes, for comments in emitted code. */
  title: string;
}

export interface Pass {
  name: string;
  calls: KernelFn[];
}

export interface Program {
  model: Model;
  buffers: Map<string, BufferDecl>;
  params: (ParamInfo & { buffer: string; grad: string })[];
  input: string;
  output: string;
  target?: string;
  loss?: string;
  /** forward (inference), forwardTrain, backward (loss + gradients), block_<name>. */
  passes: Pass[];
  blocks: { name: string; input: string; output: string; inShape: Shape; outShape: Shape }[];
  inputShape: Shape;
  outputShape: Shape;
  targetShape?: Shape;
  /** The gradient of the loss with respect to the model input, when asked for. */
  inputGrad?: string;
  classTargets: boolean;
  optimizer?: OptimizerConfig;
}

export interface LowerOptions {
  /** Also compute dL/dx of the model input (saliency; gradient checks of the first op). */
  inputGradient?: boolean;
}

export function lower(model: Model, options: LowerOptions = {}): Program {
  const L = model.nodes.length;
  const buffers = new Map<string, BufferDecl>();
  const declare = (b: Omit<BufferDecl, 'live'>, first: number, last: number): string => {
    const prev = buffers.get(b.name);
    if (!prev) buffers.set(b.name, { ...b, live: [[first, last]] });
    else if (b.kind === 'temp') prev.live.push([first, last]);
    else prev.live = [[Math.min(prev.live[0][0], first), Math.max(prev.live[0][1], last)]];
    return b.name;
  };
  // Steps: forward of node i is i; the loss is L; backward of node i is 2L − i.
  const fwdStep = (i: number) => i;
  const bwdStep = (i: number) => 2 * L - i;
  const END = 2 * L + 1;

  const input = declare({ name: 'x', kind: 'input', size: size(model.inputShape), batched: true }, 0, END);
  const params = parametersOf(model).map((p) => ({
    ...p,
    buffer: declare({ name: `p_${p.name}`, kind: 'param', size: size(p.shape), batched: false }, 0, END),
    grad: declare({ name: `g_${p.name}`, kind: 'grad', size: size(p.shape), batched: false }, 0, END),
  }));
  const paramsOf = (node: LayerNode, which: 'buffer' | 'grad') =>
    Object.fromEntries(params.filter((p) => p.node === node).map((p) => [p.suffix, p[which]]));

  // Activations: y of node i is read by node i+1 (forward and backward) and by i's own backward.
  const act: string[] = [];
  let prev = input;
  for (const node of model.nodes) {
    const i = node.index;
    const y = node.op.aliasesInput
      ? prev
      : `a${i}_${node.prefix.replace(/\W/g, '_')}`;
    declare({ name: y, kind: buffers.get(y)?.kind ?? 'act', size: size(node.outShape), batched: true }, fwdStep(i), bwdStep(i));
    act.push(y);
    prev = y;
  }
  const output = prev;
  const scratchOf = (node: LayerNode): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const s of node.op.scratch?.(node.attrs, node.inShape, node.outShape) ?? []) {
      const name = `s${node.index}_${s.name}`;
      const decl = { name, kind: s.lifetime, size: s.size, batched: s.batched, dropoutP: s.dropoutMask };
      if (s.lifetime === 'saved') declare(decl, fwdStep(node.index), bwdStep(node.index));
      else {
        declare(decl, fwdStep(node.index), fwdStep(node.index));
        declare(decl, bwdStep(node.index), bwdStep(node.index));
      }
      out[s.name] = name;
    }
    return out;
  };
  const scratch = model.nodes.map(scratchOf);
  const inputOf = (i: number) => (i === 0 ? input : act[i - 1]);

  const fn = (name: string, title: string, build: (b: KernelBuilder) => void): KernelFn => {
    const b = new KernelBuilder();
    build(b);
    return { name, title, body: b.body };
  };
  const forwardKernel = (node: LayerNode, training: boolean): KernelFn =>
    fn(`${training ? 'ft' : 'f'}${node.index}`, `${node.label} forward${training ? ' (training)' : ''}: [${node.inShape}] → [${node.outShape}]`, (b) =>
      node.op.forward(b, {
        attrs: node.attrs, inShape: node.inShape, outShape: node.outShape,
        x: inputOf(node.index), y: act[node.index], params: paramsOf(node, 'buffer'), scratch: scratch[node.index], training,
      }),
    );
  // One kernel per node and mode, shared by every pass that runs it; the training forward is
  // the inference one unless the op does something else while training (dropout, maxpool).
  const inference = model.nodes.map((node) => forwardKernel(node, false));
  const training = model.nodes.map((node, i) => {
    const k = forwardKernel(node, true);
    return JSON.stringify(k.body) === JSON.stringify(inference[i].body) ? inference[i] : k;
  });
  const forwardPass = (kernels: KernelFn[], from = 0, to = L): KernelFn[] =>
    model.nodes.slice(from, to).filter((n) => !n.op.aliasesInput).map((n) => kernels[n.index]);

  const passes: Pass[] = [
    { name: 'forward', calls: forwardPass(inference) },
    { name: 'forwardTrain', calls: forwardPass(training) },
  ];

  let target: string | undefined;
  let loss: string | undefined;
  let targetShape: Shape | undefined;
  let inputGrad: string | undefined;
  const lossDef = model.loss ? LOSSES.get(model.loss.name)! : undefined;
  if (lossDef) {
    targetShape = lossDef.targetShape(outputShape(model), { label: '', from: '', error: () => {} })!;
    target = declare({ name: 't', kind: 'target', size: Math.max(1, size(targetShape)), batched: true }, 0, END);
    loss = declare({ name: 'loss', kind: 'loss', size: 1, batched: false }, 0, END);
    // Autodiff: dY of the last node comes from the loss; each backward writes its input's
    // gradient, adding to it when another consumer already wrote there.
    const grad = new Map<string, string>();
    const contributions = new Map<string, number>();
    const gradOf = (actName: string, step: number): string => {
      let g = grad.get(actName);
      if (!g) {
        g = `d_${actName}`;
        grad.set(actName, g);
      }
      const decl = buffers.get(actName)!;
      declare({ name: g, kind: 'dact', size: decl.size, batched: true }, step, step);
      return g;
    };
    const calls: KernelFn[] = [];
    const dOut = gradOf(output, L);
    contributions.set(dOut, 1);
    calls.push(fn('loss', `${lossDef.name} loss and its gradient`, (b) =>
      lossDef.kernel(b, { outShape: outputShape(model), y: output, target: target!, loss: loss!, dY: dOut })));
    for (let i = L - 1; i >= 0; i--) {
      const node = model.nodes[i];
      const dY = gradOf(act[i], bwdStep(i));
      if (node.op.aliasesInput) {
        // A view: the input's gradient is this output's gradient, same buffer.
        grad.set(inputOf(i), dY);
        continue;
      }
      const dX = i > 0 ? gradOf(act[i - 1], bwdStep(i)) : options.inputGradient ? gradOf(input, bwdStep(i)) : undefined;
      const acc = dX !== undefined && (contributions.get(dX) ?? 0) > 0;
      if (dX) contributions.set(dX, (contributions.get(dX) ?? 0) + 1);
      calls.push(fn(`b${i}`, `${node.label} backward`, (b) =>
        node.op.backward(b, {
          attrs: node.attrs, inShape: node.inShape, outShape: node.outShape,
          x: inputOf(i), y: act[i], params: paramsOf(node, 'buffer'), scratch: scratch[i], training: true,
          dY, dX, dXAccumulate: acc, dParams: paramsOf(node, 'grad'),
        })));
    }
    passes.push({ name: 'backward', calls });
    if (options.inputGradient) inputGrad = grad.get(input);
  }

  const blocks = model.blocks.map((blk) => {
    passes.push({ name: `block_${blk.name}`, calls: forwardPass(inference, blk.from, blk.to) });
    return {
      name: blk.name,
      input: inputOf(blk.from),
      output: act[blk.to - 1],
      inShape: model.nodes[blk.from].inShape,
      outShape: model.nodes[blk.to - 1].outShape,
    };
  });

  return {
    model, buffers, params, input, output, target, loss, passes, blocks,
    inputShape: model.inputShape, outputShape: outputShape(model), targetShape, inputGrad,
    classTargets: lossDef?.classTargets ?? false, optimizer: model.optimizer,
  };
}
