// The WebAssembly target: the same kernel IR as the TypeScript target, rendered through
// binaryen. One wasm function per kernel call site, one exported function per pass (forward,
// forwardTrain, backward, block_*) taking the batch size n, the optimizer update, and
// init(maxBatch), which grows the module's own memory to exactly what the arena needs.
// Memory layout: [GEMM packing scratch][arena: fixed + perSample·maxBatch floats].
import binaryen from 'binaryen';
import type { Stmt } from '../ir/kernel.js';
import type { Program } from '../passes/lower.js';
import { optimizerSlots, type MemoryPlan } from '../passes/memory.js';
import { FnCtx, I32, type ModuleEnv } from './wasm-ctx.js';
import { packedBytes } from './wasm-gemm.js';
import { addMathFunctions } from './wasm-math.js';
import { addOptimizer } from './wasm-optim.js';
import { renderStmts } from './wasm-stmt.js';

export interface WasmOptions {
  /** Use f32x4.relaxed_madd (fused multiply-add) in GEMM micro-kernels. */
  relaxed: boolean;
  /** Run binaryen's -O passes (default true). */
  optimize?: boolean;
  /** Also export every kernel function as k_<call> (for per-kernel profiling). */
  exportKernels?: boolean;
}

export interface WasmArtifact {
  bytes: Uint8Array;
  /** Byte offset of the arena in the module's memory. */
  arenaBase: number;
  /** Milliseconds spent building, validating and optimizing. */
  ms: { build: number; optimize: number };
}

const PAGE = 65536;

function scratchNeeded(program: Program): number {
  let most = 0;
  const visit = (body: Stmt[]) => {
    for (const s of body) {
      if (s.k === 'gemm') most = Math.max(most, packedBytes(s.g));
      else if (s.k === 'for') visit(s.body);
      else if (s.k === 'if') { visit(s.then); visit(s.else); }
    }
  };
  for (const pass of program.passes) for (const call of pass.calls) visit(call.body);
  return most;
}

export function emitWasm(program: Program, plan: MemoryPlan, opts: WasmOptions): WasmArtifact {
  const t0 = performance.now();
  const m = new binaryen.Module();
  let features = binaryen.Features.SIMD128 | binaryen.Features.NontrappingFPToInt | binaryen.Features.MutableGlobals | binaryen.Features.SignExt;
  if (opts.relaxed) features |= binaryen.Features.RelaxedSIMD;
  m.setFeatures(features);
  const arenaBase = Math.ceil(scratchNeeded(program) / 64) * 64;
  const env: ModuleEnv = { m, plan, arenaBase, relaxed: opts.relaxed, scratchBytes: 0 };
  const fixedPages = Math.max(1, Math.ceil((arenaBase + plan.fixed * 4) / PAGE));
  m.setMemory(fixedPages, 65536, 'memory');
  m.addGlobal('maxBatch', I32, true, m.i32.const(0));
  m.addGlobal('arena', I32, false, m.i32.const(arenaBase));
  m.addGlobalExport('arena', 'arena');
  addMathFunctions(m);

  // init(maxBatch) → 1, or 0 when the memory cannot grow to the arena's size
  const need = () => m.i32.div_u(
    m.i32.add(m.i32.add(m.i32.const(arenaBase + plan.fixed * 4), m.i32.mul(m.local.get(0, I32), m.i32.const(plan.perSample * 4))), m.i32.const(PAGE - 1)),
    m.i32.const(PAGE),
  );
  m.addFunction('init', binaryen.createType([I32]), I32, [I32], m.block(null, [
    m.global.set('maxBatch', m.local.get(0, I32)),
    m.local.set(1, m.i32.sub(need(), m.memory.size())),
    m.if(m.i32.gt_s(m.local.get(1, I32), m.i32.const(0)),
      m.if(m.i32.eq(m.memory.grow(m.local.get(1, I32)), m.i32.const(-1)), m.return(m.i32.const(0)))),
    m.i32.const(1),
  ], I32));
  m.addFunctionExport('init', 'init');

  const done = new Set<string>();
  for (const pass of program.passes) {
    for (const call of pass.calls) {
      if (done.has(call.name)) continue;
      done.add(call.name);
      const c = new FnCtx(env, [I32]);
      c.named('n', 'i32');
      const body = renderStmts(c, call.body);
      m.addFunction(`k_${call.name}`, binaryen.createType([I32]), binaryen.none, c.vars, m.block(null, [...c.prologue, ...body]));
      if (opts.exportKernels) m.addFunctionExport(`k_${call.name}`, `k_${call.name}`);
    }
    const calls = pass.calls.map((call) => m.call(`k_${call.name}`, [m.local.get(0, I32)], binaryen.none));
    m.addFunction(pass.name, binaryen.createType([I32]), binaryen.none, [], m.block(null, calls));
    m.addFunctionExport(pass.name, pass.name);
  }
  addOptimizer(m, plan, arenaBase, program.optimizer?.kind as 'sgd' | 'adam' | undefined, optimizerSlots(program));
  if (env.scratchBytes > arenaBase) throw new Error('internal: wasm: GEMM scratch overlaps the arena');
  if (!m.validate()) throw new Error('internal: wasm: the emitted module does not validate');
  const t1 = performance.now();
  if (opts.optimize !== false) {
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    // vexp/vtanh inlined into the vectorized loops that call them: a call spills every live
    // v128 (all caller-saved) and hides the independent evaluations from the scheduler
    const inline = binaryen.getFlexibleInlineMaxSize();
    binaryen.setFlexibleInlineMaxSize(200);
    m.optimize();
    binaryen.setFlexibleInlineMaxSize(inline);
    if (!m.validate()) throw new Error('internal: wasm: the optimized module does not validate');
  }
  const bytes = m.emitBinary();
  m.dispose();
  return { bytes, arenaBase, ms: { build: t1 - t0, optimize: performance.now() - t1 } };
}

/** The module's text form, for reading and debugging. */
export function emitWasmText(program: Program, plan: MemoryPlan, opts: WasmOptions): string {
  const { bytes } = emitWasm(program, plan, { ...opts, optimize: opts.optimize ?? false });
  const m = binaryen.readBinary(bytes);
  m.setFeatures(binaryen.Features.All);
  const text = m.emitText();
  m.dispose();
  return text;
}
