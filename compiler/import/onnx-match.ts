// The node patterns the importer recognizes on the chain of activations. Each node either
// becomes a layer (appended to the chain), changes how the current activation is laid out
// (Transpose, Squeeze, Gather and Slice around an LSTM; a Pad awaiting its pooling), or is an error.
import { getOp } from '../ops/index.js';
import type { NodeProto } from '../emit/onnx-proto.js';
import type { ImportedLayer, ImportedParam } from './onnx.js';
import { attrsOf, axesOf, hintFrom, intsOf, nodeError, type Act, type Value } from './onnx-values.js';

export interface Chain {
  file: string;
  opset: number;
  /** The input's batch size when it is fixed (then a Reshape to [batch, -1] flattens too). */
  batch?: number;
  layers: ImportedLayer[];
  values: Map<string, Value>;
}

type Static = Extract<Value, { k: 'static' }>;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const isZero = (v: Value | undefined) => v === undefined || v.k === 'zeros' || (v.k === 'static' && (v.floats ?? v.ints ?? []).every((x) => x === 0));

/** PyTorch gate blocks i, f, g, o from ONNX's i, o, f, c. */
function ifgo(w: Float32Array): Float32Array {
  const out = new Float32Array(w.length);
  const q = w.length / 4;
  [0, 2, 3, 1].forEach((from, to) => out.set(w.subarray(from * q, (from + 1) * q), to * q));
  return out;
}

function transpose2d(w: Float32Array, rows: number, cols: number, scale = 1): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c] * scale;
  return out;
}

export function matchLayerNode(chain: Chain, node: NodeProto, ins: (Value | undefined)[]): Value[] {
  const fail = (msg: string): never => {
    throw nodeError(chain.file, node, msg);
  };
  const attrs = attrsOf(node);
  const int = (name: string, dflt: number) => (attrs.get(name) as number | undefined) ?? dflt;
  const ints = (name: string, dflt: number[]) => (attrs.get(name) as number[] | undefined) ?? dflt;
  const { layers } = chain;
  const tail = () => layers.length - 1;
  const x = ins[0];

  /** The activation a layer reads: it must be the end of the chain (no branches). */
  const take = (v: Value | undefined, layout: Act['layout'] = 'bf'): Act => {
    if (v?.k === 'opaque') fail(v.why);
    if (v?.k !== 'act' || v.layout !== layout) fail(`expects ${layout === 'tm' ? 'a time-major sequence' : 'an activation'} as its first input`);
    const a = v as Act;
    if (a.layer !== tail()) fail('reads the output of an earlier layer: only one chain of layers imports (no branches or skip connections)');
    if (a.seq !== undefined && layers[a.seq].attrs.output === 'last') fail("uses an LSTM's whole sequence after its last step was taken");
    if (a.lastStep) fail("uses an LSTM's last step without squeezing it to [N,H]");
    if (tail() >= 0) layers[tail()].awaitingBias = false;
    return a;
  };
  const constant = (i: number, what: string): Static => {
    const v = ins[i];
    if (v?.k !== 'static' || !v.floats) fail(`${what} (input ${i}) must be a float constant (an initializer)`);
    return v as Static;
  };
  const nameOf = (i: number) => node.input?.[i] ?? '';
  /** Appends a layer after `a`; its output shape comes from the op's own shape rule. */
  const emit = (a: Act, op: string, full: Record<string, unknown> = {}, params: ImportedParam[] = [], hint?: string): Value[] => {
    const def = getOp(op);
    const outShape = def.inferShape(def.normalize(full), a.shape, {
      label: `${op} from node '${node.name}'`,
      from: '',
      error: (m) => fail(`has no netspec form: ${m}`),
    });
    layers.push({ op, attrs: full, params, hint: hint ?? hintFrom(node.name), node: node.name ?? '', inShape: [...a.shape] });
    return [{ k: 'act', layout: 'bf', shape: [...outShape!], layer: tail() }];
  };
  const symmetric = (pads: number[], what: string): [number, number] => {
    if (pads.length !== 4 || pads[0] !== pads[2] || pads[1] !== pads[3]) fail(`${what} [${pads}] is not the same on both sides; netspec pads symmetrically`);
    return [pads[0], pads[1]];
  };
  const noAutoPad = () => {
    const ap = attrs.get('auto_pad');
    if (ap !== undefined && ap !== 'NOTSET') fail(`auto_pad=${String(ap)} is not supported; export with explicit pads`);
  };
  const image = (v: Value | undefined, allowPadded: boolean): [Act, [number, number]] => {
    const a = take(v?.k === 'act' && v.layout === 'padded' && allowPadded ? { ...v, layout: 'bf' } : v);
    if (a.shape.length !== 3) fail(`expects an [N,C,H,W] input, got [N,${a.shape}]`);
    return [a, v?.k === 'act' && v.layout === 'padded' ? v.pad! : [0, 0]];
  };
  /** The index a one-value constant input selects on an axis of length n (a scalar one, for Gather to drop the axis). */
  const index = (i: number, n: number, scalar = false): number | undefined => {
    const v = ins[i];
    const idx = intsOf(v);
    if (v?.k !== 'static' || !idx || idx.length !== 1 || typeof idx[0] !== 'number' || (scalar && v.dims.length !== 0)) return undefined;
    return idx[0] < 0 ? idx[0] + n : idx[0];
  };
  /** An LSTM's top level, taken as its last step: the layer's output becomes `last`. */
  const takeLast = (layer: number, level: number): Value[] => {
    const L = layers[layer];
    if (L?.op !== 'lstm' || layer !== tail() || L.closed || L.attrs.output !== 'sequence') fail("takes an LSTM's last step where netspec cannot");
    if (level !== (L.attrs.layers as number) - 1) fail("takes the last step of an LSTM's lower level, not its top one");
    L.attrs.output = 'last';
    L.closed = true;
    return [{ k: 'act', layout: 'bf', shape: [L.attrs.hidden as number], layer }];
  };

  switch (node.opType) {
    case 'Identity':
      return [x!];
    case 'Relu':
    case 'Sigmoid':
    case 'Tanh':
      return emit(take(x), node.opType.toLowerCase());
    case 'Softmax': {
      const a = take(x);
      const rank = a.shape.length + 1;
      const axis = int('axis', chain.opset >= 13 ? -1 : 1);
      if ((axis + rank) % rank !== rank - 1) fail(`softmax over axis ${axis} of a rank-${rank} tensor; netspec's softmax is over the last axis`);
      return emit(a, 'softmax');
    }
    case 'Dropout': {
      const a = take(x);
      if (!isZero(ins[2])) fail('runs in training mode');
      const ratio = ins[1] ? (ins[1].k === 'static' ? (ins[1].floats ?? [])[0] : undefined) : ((attrs.get('ratio') as number | undefined) ?? 0.5);
      if (ratio === undefined || !(ratio >= 0 && ratio < 1)) fail('has a ratio netspec cannot read');
      return [...emit(a, 'dropout', { p: ratio }), { k: 'opaque', why: 'the dropout mask' }];
    }
    case 'Flatten': {
      const a = take(x);
      if (int('axis', 1) !== 1) fail(`flattens from axis ${int('axis', 1)}; netspec's flatten keeps the batch axis alone (axis 1)`);
      return emit(a, 'flatten');
    }
    case 'Reshape': {
      const a = take(x);
      const target = intsOf(ins[1]);
      if (!target) fail('has a target shape netspec cannot evaluate');
      const from = ['N' as const, ...a.shape];
      const dims = target!.map((t, i) => (t === 0 && int('allowzero', 0) === 0 ? from[i] : t));
      const rest = dims[0] === 'N' || dims[0] === -1 || (chain.batch !== undefined && dims[0] === chain.batch) ? dims.slice(1) : undefined;
      if (!rest || rest.some((d) => d === 'N')) fail(`reshapes [N,${a.shape}] to [${target}]: only flattening each sample has a netspec form`);
      const known = size(rest!.filter((d) => d !== -1) as number[]);
      const out = rest!.map((d) => (d === -1 ? size(a.shape) / known : (d as number)));
      if (size(out) !== size(a.shape)) fail(`reshapes [N,${a.shape}] to [${target}]`);
      if (same(out, a.shape)) return [a];
      if (out.length !== 1) fail(`reshapes [N,${a.shape}] to [N,${out}]: only flattening each sample has a netspec form`);
      return a.shape.length === 1 ? [a] : emit(a, 'flatten');
    }
    case 'Gemm': {
      const a = take(x);
      if (a.shape.length !== 1) fail(`expects an [N,features] input, got [N,${a.shape}]`);
      if (int('transA', 0) !== 0) fail('transA=1 has no netspec form');
      const B = constant(1, 'the weight');
      const transB = int('transB', 0) === 1;
      const alpha = (attrs.get('alpha') as number | undefined) ?? 1;
      const beta = (attrs.get('beta') as number | undefined) ?? 1;
      const [out, inF] = transB ? B.dims : [B.dims[1], B.dims[0]];
      if (B.dims.length !== 2 || inF !== a.shape[0]) fail(`weight [${B.dims}] does not fit an input of ${a.shape[0]} features`);
      const weight = transB ? B.floats!.map((w) => w * alpha) : transpose2d(B.floats!, inF, out, alpha);
      const params: ImportedParam[] = [{ suffix: 'weight', shape: [out, inF], data: weight, from: transB && alpha === 1 ? nameOf(1) : undefined }];
      if (ins[2]) {
        const C = constant(2, 'the bias');
        if (C.floats!.length !== out && C.floats!.length !== 1) fail(`bias of ${C.floats!.length} values for ${out} units`);
        const bias = Float32Array.from({ length: out }, (_, i) => C.floats![C.floats!.length === 1 ? 0 : i] * beta);
        params.push({ suffix: 'bias', shape: [out], data: bias, from: beta === 1 && C.floats!.length === out ? nameOf(2) : undefined });
      }
      return emit(a, 'dense', { units: out, bias: params.length === 2 }, params, hintFrom(nameOf(1), true) ?? hintFrom(node.name));
    }
    case 'MatMul': {
      const a = take(x);
      const B = constant(1, 'the weight');
      if (a.shape.length !== 1 || B.dims.length !== 2 || B.dims[0] !== a.shape[0]) fail(`[N,${a.shape}]·[${B.dims}] is not a dense layer`);
      const [inF, out] = B.dims;
      const weight = transpose2d(B.floats!, inF, out);
      const r = emit(a, 'dense', { units: out, bias: false }, [{ suffix: 'weight', shape: [out, inF], data: weight }], hintFrom(nameOf(1), true) ?? hintFrom(node.name));
      layers[tail()].awaitingBias = true;
      return r;
    }
    case 'Add': {
      const [actAt, constAt] = ins[0]?.k === 'act' ? [0, 1] : [1, 0];
      const v = ins[actAt];
      const L = layers[tail()];
      if (v?.k !== 'act' || v.layer !== tail() || !L?.awaitingBias) fail('adds to an activation other than a MatMul just before it (no residual connections in netspec)');
      const C = constant(constAt, 'the bias');
      const units = L.attrs.units as number;
      if (C.floats!.length !== units) fail(`bias of ${C.floats!.length} values for ${units} units`);
      L.attrs.bias = true;
      L.awaitingBias = false;
      L.params.push({ suffix: 'bias', shape: [units], data: C.floats!, from: nameOf(constAt) });
      return [v!];
    }
    case 'Pad': {
      const [a, before] = image(x, true);
      const mode = attrs.get('mode') ?? 'constant';
      const pads = chain.opset >= 11 ? intsOf(ins[1]) : (attrs.get('pads') as number[] | undefined);
      const value = chain.opset >= 11 ? ins[2] : { k: 'static' as const, dims: [], floats: Float32Array.of((attrs.get('value') as number | undefined) ?? 0) };
      if (mode !== 'constant' || !isZero(value) || ins[3]) fail('only zero padding of the spatial axes imports');
      const p = pads?.map(Number);
      if (!p || p.length !== 8 || p[0] || p[1] || p[4] || p[5]) fail(`pads [${pads}] are not a padding of H and W`);
      const [ph, pw] = symmetric([p![2], p![3], p![6], p![7]], 'padding');
      return [{ ...a, layout: 'padded', pad: [before[0] + ph, before[1] + pw] }];
    }
    case 'Conv': {
      noAutoPad();
      const [a, pre] = image(x, true);
      const W = constant(1, 'the weight');
      if (W.dims.length !== 4 || W.dims[1] !== a.shape[0]) fail(`weight [${W.dims}] does not fit ${a.shape[0]} input channels`);
      if (int('group', 1) !== 1) fail('grouped convolution has no netspec form');
      const [F, , kh, kw] = W.dims;
      const kernel = ints('kernel_shape', [kh, kw]);
      if (!same(kernel, [kh, kw])) fail(`kernel_shape [${kernel}] differs from the weight's [${kh},${kw}]`);
      const [ph, pw] = symmetric(ints('pads', [0, 0, 0, 0]), 'pads');
      const params: ImportedParam[] = [{ suffix: 'weight', shape: [...W.dims], data: W.floats!, from: nameOf(1) }];
      if (ins[2]) params.push({ suffix: 'bias', shape: [F], data: constant(2, 'the bias').floats!, from: nameOf(2) });
      const full = { filters: F, kernel: [kh, kw], stride: ints('strides', [1, 1]), padding: [ph + pre[0], pw + pre[1]], dilation: ints('dilations', [1, 1]), bias: params.length === 2 };
      return emit(a, 'conv2d', full, params, hintFrom(nameOf(1), true) ?? hintFrom(node.name));
    }
    case 'MaxPool':
    case 'AveragePool': {
      noAutoPad();
      const avg = node.opType === 'AveragePool';
      const [a, pre] = image(x, avg);
      const kernel = ints('kernel_shape', []);
      if (kernel.length !== 2) fail('needs a 2-D kernel_shape');
      if (int('ceil_mode', 0) !== 0) fail('ceil_mode=1 has no netspec form');
      if (!same(ints('dilations', [1, 1]), [1, 1])) fail('dilated pooling has no netspec form');
      const [ph, pw] = symmetric(ints('pads', [0, 0, 0, 0]), 'pads');
      if (avg && (ph || pw) && int('count_include_pad', 0) !== 1) fail("count_include_pad=0 with padding: netspec's avgpool2d counts the padding (PyTorch's default)");
      const full = { kernel, stride: ints('strides', [1, 1]), padding: [ph + pre[0], pw + pre[1]] };
      return [...emit(a, avg ? 'avgpool2d' : 'maxpool2d', full), { k: 'opaque', why: 'MaxPool indices' }];
    }
    case 'Transpose': {
      const v = x?.k === 'act' ? x : undefined;
      if (!v || v.layout === 'padded' || v.shape.length !== 2 || !same(ints('perm', [2, 1, 0]), [1, 0, 2])) fail('only swapping the batch and time axes of a sequence has a netspec form');
      return [{ ...v!, layout: v!.layout === 'bf' ? 'tm' : 'bf' }];
    }
    case 'LSTM':
      return lstm(chain, node, ins, fail, take);
    case 'Squeeze': {
      const axes = axesOf(attrs, ins);
      if (x?.k === 'lstmY' && axes && same(axes, [1])) {
        const L = layers[x.layer];
        const top = x.level === (L.attrs.layers as number) - 1;
        return [{ k: 'act', layout: 'tm', shape: [L.inShape[0], L.attrs.hidden as number], layer: x.layer, seq: top && !L.closed ? x.layer : undefined }];
      }
      if (x?.k === 'lstmYh' && axes && same(axes, [0])) return takeLast(x.layer, x.level);
      if (x?.k === 'act' && x.lastStep && axes && same(axes, [x.layout === 'bf' ? 1 : 0])) return takeLast(x.seq!, (layers[x.seq!].attrs.layers as number) - 1);
      return fail('only the squeezes around an LSTM have a netspec form');
    }
    case 'Gather': {
      const axis = int('axis', 0);
      if (x?.k === 'act' && x.seq !== undefined && axis === (x.layout === 'bf' ? 1 : 0) && index(1, x.shape[0], true) === x.shape[0] - 1) {
        return takeLast(x.seq, (layers[x.seq].attrs.layers as number) - 1);
      }
      if (x?.k === 'lstmYh' && axis === 0 && index(1, 1, true) === 0) return takeLast(x.layer, x.level);
      if (x?.k === 'lstmYhCat' && axis === 0) {
        const i = index(1, x.levels.length, true);
        if (i !== undefined && x.levels[i] !== undefined) return takeLast(x.layer, x.levels[i]);
      }
      return fail("only taking an LSTM's last step has a netspec form");
    }
    case 'Slice': {
      const v = x?.k === 'act' ? x : undefined;
      const axis = v?.layout === 'bf' ? 1 : 0;
      const axes = ins[3] ? intsOf(ins[3]) : [0];
      const T = v?.shape[0] ?? 0;
      const start = index(1, T);
      const end = intsOf(ins[2])?.[0];
      const step = ins[4] ? intsOf(ins[4])?.[0] : 1;
      if (v?.seq === undefined || !axes || axes.length !== 1 || (Number(axes[0]) + 3) % 3 !== axis || start !== T - 1 || typeof end !== 'number' || end < T || step !== 1) {
        return fail("only slicing an LSTM's last step has a netspec form");
      }
      return [{ ...v!, shape: [1, v!.shape[1]], lastStep: true }];
    }
    case 'Concat': {
      const levels = ins.map((v) => (v?.k === 'lstmYh' && v.layer === (ins[0] as { layer?: number }).layer ? v.level : -1));
      if (int('axis', 0) !== 0 || levels.some((l, i) => l !== i)) fail("only concatenating an LSTM's final states has a netspec form");
      return [{ k: 'lstmYhCat', layer: (ins[0] as { layer: number }).layer, levels }];
    }
    default:
      return fail('has no netspec form');
  }
}

function lstm(chain: Chain, node: NodeProto, ins: (Value | undefined)[], fail: (m: string) => never, take: (v: Value | undefined, layout?: Act['layout']) => Act): Value[] {
  const attrs = attrsOf(node);
  const { layers } = chain;
  const x = ins[0];
  const W = ins[1];
  const R = ins[2];
  const B = ins[3];
  if (W?.k !== 'static' || !W.floats || R?.k !== 'static' || !R.floats) return fail('W and R must be initializers');
  const H = attrs.get('hidden_size') as number | undefined;
  const acts = attrs.get('activations') as string[] | undefined;
  if ((attrs.get('direction') ?? 'forward') !== 'forward') fail('only a forward LSTM has a netspec form');
  if (acts && !same(acts.map((s) => s.toLowerCase()), ['sigmoid', 'tanh', 'tanh'])) fail(`activations [${acts}] differ from sigmoid, tanh, tanh`);
  if (attrs.has('clip') || (attrs.get('input_forget') ?? 0) !== 0 || (attrs.get('layout') ?? 0) !== 0) fail('clip, input_forget and layout=1 have no netspec form');
  if (ins[4]) fail('sequence_lens has no netspec form: every sequence has the full length');
  if (![5, 6, 7].every((i) => ins[i] === undefined || ins[i]!.k === 'zeros' || (ins[i]!.k === 'static' && (ins[i] as { floats?: Float32Array }).floats?.every((v) => v === 0)))) {
    fail('initial states and peepholes must be absent or zero');
  }
  if (!H || W.dims.length !== 3 || W.dims[0] !== 1 || W.dims[1] !== 4 * H || !same(R.dims, [1, 4 * H, H])) fail(`W [${W.dims}] and R [${R.dims}] do not fit hidden_size ${H}`);
  if (B && (B.k !== 'static' || !B.floats || !same(B.dims, [1, 8 * H!]))) fail(`B must be an initializer [1, ${8 * H!}]`);
  const bias = B?.k === 'static' ? B.floats : undefined;
  const hint = hintFrom(node.input?.[1], true) ?? hintFrom(node.name);
  const params = (l: number) => [
    { suffix: `weight_ih_l${l}`, shape: [4 * H!, W.dims[2]], data: ifgo(W.floats!) },
    { suffix: `weight_hh_l${l}`, shape: [4 * H!, H!], data: ifgo(R.floats!) },
    ...(bias ? [
      { suffix: `bias_ih_l${l}`, shape: [4 * H!], data: ifgo(bias.subarray(0, 4 * H!)) },
      { suffix: `bias_hh_l${l}`, shape: [4 * H!], data: ifgo(bias.subarray(4 * H!)) },
    ] : []),
  ];
  const top = x?.k === 'act' && x.layout === 'tm' && x.seq !== undefined ? layers[x.seq] : undefined;
  const stacks = top && x!.k === 'act' && x!.seq === layers.length - 1 && !top.closed && top.hint === hint && top.attrs.hidden === H && top.attrs.bias === !!bias;
  let layer: number;
  if (stacks) {
    layer = layers.length - 1;
    const level = top!.attrs.layers as number;
    top!.attrs.layers = level + 1;
    top!.params.push(...params(level));
  } else {
    const a = take(x, 'tm');
    if (a.shape[1] !== W.dims[2]) fail(`W [${W.dims}] does not fit ${a.shape[1]} input features`);
    layers.push({ op: 'lstm', attrs: { hidden: H, layers: 1, output: 'sequence', bias: !!bias }, params: params(0), hint, node: node.name ?? '', inShape: [...a.shape] });
    layer = layers.length - 1;
  }
  const level = (layers[layer].attrs.layers as number) - 1;
  return [{ k: 'lstmY', layer, level }, { k: 'lstmYh', layer, level }, { k: 'opaque', why: "the LSTM's cell state" }];
}
