// Renders kernel IR as TypeScript/JavaScript statements over one typed array `A` (the arena).
// Shapes are constants, so loops have literal bounds; each buffer is `A[o_<buf> + index]`.
import type { Expr, Gemm, MatView, Stmt } from '../ir/kernel.js';

export function bufVar(buf: string): string {
  return `o_${buf.replace(/\W/g, '_')}`;
}

function num(v: number): string {
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Number.isNaN(v)) return 'NaN';
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

const FN: Record<string, string> = { exp: 'Math.exp', log: 'Math.log', tanh: 'Math.tanh', sqrt: 'Math.sqrt', abs: 'Math.abs' };

/** An expression in value position. */
export function expr(e: Expr): string {
  switch (e.k) {
    case 'i':
    case 'f':
      return num(e.v);
    case 'var':
      return e.name;
    case 'load':
      return `A[${bufVar(e.buf)} + ${expr(e.idx)}]`;
    case 'bin':
      if (e.op === 'max') return `Math.max(${expr(e.a)}, ${expr(e.b)})`;
      if (e.op === 'min') return `Math.min(${expr(e.a)}, ${expr(e.b)})`;
      if (e.op === '/' && e.ty === 'i32') return `((${expr(e.a)} / ${expr(e.b)}) | 0)`;
      return `(${expr(e.a)} ${e.op} ${expr(e.b)})`;
    case 'un':
      return e.op === 'neg' ? `(-${expr(e.a)})` : `${FN[e.op]}(${expr(e.a)})`;
    case 'cmp':
    case 'and':
      return `(${cond(e)} ? 1 : 0)`;
    case 'sel':
      return `(${cond(e.c)} ? ${expr(e.a)} : ${expr(e.b)})`;
    case 'cvt':
      return e.to === 'i32' ? `(${expr(e.a)} | 0)` : expr(e.a);
  }
}

/** An expression in boolean position. */
function cond(e: Expr): string {
  if (e.k === 'cmp') return `(${expr(e.a)} ${e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op} ${expr(e.b)})`;
  if (e.k === 'and') return `(${cond(e.a)} && ${cond(e.b)})`;
  return `(${expr(e)} !== 0)`;
}

let gemmCount = 0;

function at(v: MatView, r: string, c: string): string {
  const parts = [bufVar(v.buf)];
  const off = expr(v.off);
  if (off !== '0') parts.push(off);
  if (v.rs !== 0) parts.push(v.rs === 1 ? r : `${r} * ${v.rs}`);
  if (v.cs !== 0) parts.push(v.cs === 1 ? c : `${c} * ${v.cs}`);
  return parts.join(' + ');
}

/** A GEMM call site as loops specialized for its layout. */
function gemm(g: Gemm, pad: string): string[] {
  const id = gemmCount++;
  // Underscored names never clash with the IR's locals and loop variables.
  const [M, K, m, k, j, c, a, b, sum] = ['M', 'K', 'm', 'k', 'j', 'c', 'a', 'b', 's'].map((v) => `_${v}${id}`);
  const biasAt = (mm: string, jj: string) => (g.bias ? `A[${bufVar(g.bias.buf)} + ${expr(g.bias.off)} + ${g.bias.along === 'm' ? mm : jj}]` : '0');
  // a fused activation, applied to each value as it is stored
  const act = (v: string) => (g.activation === 'relu' ? `Math.max(${v}, 0)` : v);
  const out: string[] = [`${pad}{ // C[${expr(g.M)}×${g.N}] ${g.accumulate ? '+=' : '='} ${g.activation ? `${g.activation}(A·B)` : 'A·B'}, K = ${expr(g.K)}`];
  const p = pad + '  ';
  out.push(`${p}const ${M} = ${expr(g.M)}, ${K} = ${expr(g.K)};`);
  const ak = g.A.cs === 1 ? k : `${k} * ${g.A.cs}`;
  const bk = g.B.rs === 1 ? k : `${k} * ${g.B.rs}`;
  if (g.B.cs === 1 && g.C.cs === 1) {
    // Row-streaming form: C[m..m+r, :] += A[m..m+r, k]·B[k, :], r = 4 rows at a time so each
    // B row is loaded once for four; accumulated in float64 rows of R, stored once.
    const rows = (r: number) => {
      const as = Array.from({ length: r }, (_, t) => `${a}_${t}`);
      const row = (t: number) => (t === 0 ? m : `(${m} + ${t})`);
      for (let t = 0; t < r; t++) {
        const init = g.accumulate ? `A[${at(g.C, row(t), j)}]${g.bias ? ` + ${biasAt(row(t), j)}` : ''}` : biasAt(row(t), j);
        out.push(`${p}  for (let ${j} = 0; ${j} < ${g.N}; ${j}++) R[${t * g.N} + ${j}] = ${init};`);
      }
      out.push(`${p}  for (let ${k} = 0; ${k} < ${K}; ${k}++) {`);
      out.push(`${p}    const ${as.map((v, t) => `${v} = A[${at(g.A, row(t), k)}]`).join(', ')};`);
      out.push(`${p}    const ${b} = ${at(g.B, k, '0')};`);
      out.push(`${p}    for (let ${j} = 0; ${j} < ${g.N}; ${j}++) {`);
      out.push(`${p}      const ${c} = A[${b} + ${j}];`);
      out.push(as.map((v, t) => `${p}      R[${t * g.N} + ${j}] += ${v} * ${c};`).join('\n'));
      out.push(`${p}    }`);
      out.push(`${p}  }`);
      for (let t = 0; t < r; t++) out.push(`${p}  for (let ${j} = 0; ${j} < ${g.N}; ${j}++) A[${at(g.C, row(t), j)}] = ${act(`R[${t * g.N} + ${j}]`)};`);
    };
    out.push(`${p}let ${m} = 0;`);
    out.push(`${p}for (; ${m} + 4 <= ${M}; ${m} += 4) {`);
    rows(4);
    out.push(`${p}}`);
    out.push(`${p}for (; ${m} < ${M}; ${m}++) {`);
    rows(1);
    out.push(`${p}}`);
  } else {
    // Dot-product form: C[m, j..j+r] = Σ_k A[m, k]·B[k, j..j+r], r = 4 columns at a time so
    // each A element is loaded once for four; accumulated in float64 locals.
    const cols = (r: number) => {
      const sums = Array.from({ length: r }, (_, t) => `${sum}_${t}`);
      const bs = Array.from({ length: r }, (_, t) => `${b}_${t}`);
      const col = (t: number) => (t === 0 ? j : `(${j} + ${t})`);
      out.push(`${p}    const ${bs.map((v, t) => `${v} = ${at(g.B, '0', col(t))}`).join(', ')};`);
      out.push(`${p}    let ${sums.map((v, t) => `${v} = ${biasAt(m, col(t))}`).join(', ')};`);
      out.push(`${p}    for (let ${k} = 0; ${k} < ${K}; ${k}++) {`);
      out.push(`${p}      const ${c} = A[${a} + ${ak}];`);
      out.push(sums.map((v, t) => `${p}      ${v} += ${c} * A[${bs[t]} + ${bk}];`).join('\n'));
      out.push(`${p}    }`);
      for (let t = 0; t < r; t++) {
        const cAt = `A[${at(g.C, m, col(t))}]`;
        if (!g.activation) out.push(`${p}    ${cAt} ${g.accumulate ? '+=' : '='} ${sums[t]};`);
        else out.push(`${p}    ${cAt} = ${act(g.accumulate ? `${cAt} + ${sums[t]}` : sums[t])};`);
      }
    };
    out.push(`${p}for (let ${m} = 0; ${m} < ${M}; ${m}++) {`);
    out.push(`${p}  const ${a} = ${at(g.A, m, '0')};`);
    out.push(`${p}  let ${j} = 0;`);
    if (g.N >= 4) {
      out.push(`${p}  for (; ${j} + 4 <= ${g.N}; ${j} += 4) {`);
      cols(4);
      out.push(`${p}  }`);
    }
    if (g.N % 4 !== 0) {
      out.push(`${p}  for (; ${j} < ${g.N}; ${j}++) {`);
      cols(1);
      out.push(`${p}  }`);
    }
    out.push(`${p}}`);
  }
  out.push(`${pad}}`);
  return out;
}

export function stmts(body: Stmt[], pad: string): string[] {
  const out: string[] = [];
  for (const s of body) {
    switch (s.k) {
      case 'for':
        out.push(`${pad}for (let ${s.v} = ${expr(s.from)}; ${s.v} < ${expr(s.to)}; ${s.v}++) {`);
        out.push(...stmts(s.body, pad + '  '));
        out.push(`${pad}}`);
        break;
      case 'store':
        out.push(`${pad}A[${bufVar(s.buf)} + ${expr(s.idx)}] ${s.acc ? '+=' : '='} ${expr(s.value)};`);
        break;
      case 'let':
        out.push(`${pad}let ${s.name} = ${expr(s.value)};`);
        break;
      case 'set':
        out.push(`${pad}${s.name} = ${expr(s.value)};`);
        break;
      case 'if':
        out.push(`${pad}if ${cond(s.c)} {`);
        out.push(...stmts(s.then, pad + '  '));
        if (s.else.length > 0) {
          out.push(`${pad}} else {`);
          out.push(...stmts(s.else, pad + '  '));
        }
        out.push(`${pad}}`);
        break;
      case 'gemm':
        out.push(...gemm(s.g, pad));
        break;
      case 'comment':
        out.push(`${pad}// ${s.text}`);
        break;
    }
  }
  return out;
}

export function resetGemmIds(): void {
  gemmCount = 0;
}

/** Elements of the float64 accumulator row `R` that the row-streaming GEMMs of `body` need. */
export function rowScratch(body: Stmt[]): number {
  let most = 0;
  const visit = (ss: Stmt[]) => {
    for (const s of ss) {
      if (s.k === 'gemm' && s.g.B.cs === 1 && s.g.C.cs === 1) most = Math.max(most, 4 * s.g.N);
      if (s.k === 'for') visit(s.body);
      if (s.k === 'if') {
        visit(s.then);
        visit(s.else);
      }
    }
  };
  visit(body);
  return most;
}
