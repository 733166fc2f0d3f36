// What an op is: everything about one op lives in its own file, as one OpDef.
import type { KernelBuilder } from '../ir/kernel.js';

export type Shape = readonly number[];
export type Attrs = Record<string, unknown>;

/** A JSON Schema fragment (draft-07 subset that ajv and the YAML language server read). */
export type JsonSchema = Record<string, unknown>;

export interface ShapeContext {
  /** Report a shape error located at the layer (or at one of its attributes). */
  error(message: string, opts?: { hint?: string; attr?: string }): void;
  /** How the layer is called in messages: `dense 'fc1'` or `dense layers.3`. */
  readonly label: string;
  /** Where the input came from, for messages: `from layers.2`, `from the model input`. */
  readonly from: string;
}

export interface ParamDef {
  /** The state_dict suffix: `weight`, `bias`, `weight_ih_l0`, ... */
  suffix: string;
  shape: number[];
  /** PyTorch-default init: U(-bound, bound). */
  init: { kind: 'uniform'; bound: number };
}

/** Extra buffers an op needs: `saved` lives from its forward to its backward, `temp` only inside one kernel. */
export interface ScratchDef {
  name: string;
  /** Elements per sample (batched) or in total (not batched). */
  size: number;
  batched: boolean;
  lifetime: 'saved' | 'temp';
  /** Filled by the runtime before a training forward: 0 or 1/(1-p) (inverted dropout). */
  dropoutMask?: number;
}

/** The buffers an op's kernels read and write; all are arena buffer names. */
export interface KernelIO<A = Attrs> {
  attrs: A;
  inShape: Shape;
  outShape: Shape;
  x: string;
  y: string;
  params: Record<string, string>;
  scratch: Record<string, string>;
  training: boolean;
}

export interface BackwardIO<A = Attrs> extends KernelIO<A> {
  dY: string;
  /** Undefined when nothing needs the input's gradient (the model input). */
  dX?: string;
  /** Whether dX already holds another consumer's contribution (add instead of overwrite). */
  dXAccumulate: boolean;
  dParams: Record<string, string>;
}

/** An ONNX attribute: integers and integer lists as numbers, floats as `{ f }`, strings as text. */
export type OnnxAttr = number | readonly number[] | { f: number } | string;

/** What an op's ONNX mapping builds with (compiler/emit/onnx.ts implements it). Values are named by strings. */
export interface OnnxBuilder {
  /** Adds a node of the default domain; `''` stands for an omitted optional input. Returns its `outputs` (default 1) new values. */
  node(opType: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>, outputs?: number): string[];
  /** The initializer holding the layer's parameter `suffix` as stored (PyTorch name and layout). */
  param(suffix: string): string;
  /** A parameter's values (PyTorch layout), for an initializer that rearranges them. */
  paramData(suffix: string): Float32Array;
  /** A new float initializer named `<prefix>.<suffix>`. */
  initializer(suffix: string, dims: readonly number[], data: Float32Array): string;
  /** An int64 constant tensor (1-D), e.g. Squeeze axes. */
  int64s(values: readonly number[]): string;
  /** Records what the graph cannot hold (dropout's p) as metadata `netspec:<prefix>:<key>`. */
  note(key: string, value: string): void;
}

/** The batched input value `x` ([batch, ...inShape]) of a layer being exported. */
export interface OnnxIO<A = Attrs> {
  attrs: A;
  inShape: Shape;
  outShape: Shape;
  x: string;
}

export interface OpDef<A extends Attrs = Attrs> {
  name: string;
  /** One line for docs and `netspec schema`. */
  summary: string;
  /** JSON Schema of the attribute map (properties with defaults and limits); `name` is added by the registry. */
  attributes: Record<string, JsonSchema>;
  required: readonly string[];
  /** Fill defaults (as PyTorch's) and normalize sizes (`3` → `[3, 3]`). Attrs are already schema-valid. */
  normalize(raw: Attrs): A;
  /** The output shape per sample, or undefined after reporting an error through ctx. */
  inferShape(attrs: A, input: Shape, ctx: ShapeContext): Shape | undefined;
  params?(attrs: A, input: Shape, output: Shape): ParamDef[];
  scratch?(attrs: A, input: Shape, output: Shape): ScratchDef[];
  /** Forward FLOPs per sample; a multiply-add counts 2. */
  flops(attrs: A, input: Shape, output: Shape): number;
  forward(b: KernelBuilder, io: KernelIO<A>): void;
  backward(b: KernelBuilder, io: BackwardIO<A>): void;
  /** Whether its output is a view of its input (flatten; dropout at inference): no copy is emitted. */
  aliasesInput?: boolean;
  /** Its ONNX form (opset 17): adds nodes computing the batched output from `io.x`, returns the output's name. Absent: not exportable. */
  onnx?(g: OnnxBuilder, io: OnnxIO<A>): string;
}

export const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);
export const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0] as number, v[1] as number] : [v as number, v as number]);

/** A loss: checks the model output against its targets, and computes the loss and dL/dY in one kernel. */
export interface LossDef {
  name: string;
  summary: string;
  attributes: Record<string, JsonSchema>;
  /** Per-sample target shape for this output ([] = one class index), or undefined after an error. */
  targetShape(output: Shape, ctx: ShapeContext): Shape | undefined;
  /** Whether targets are class indices (int) rather than values shaped like the output. */
  classTargets: boolean;
  flops(output: Shape): number;
  /** loss[0] = L(y, target) (mean reduction); dY = dL/dy. Targets are stored as floats. */
  kernel(b: KernelBuilder, io: { outShape: Shape; y: string; target: string; loss: string; dY: string }): void;
}
