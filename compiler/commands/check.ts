// netspec check SPEC...: validate, infer shapes, print the per-layer table (or --json).
// Every file is checked and every diagnostic reported, even after a file fails.
import { readSpec, reportDiagnostics } from './common.js';
import { positionOf, type Diagnostic } from '../source/diagnostic.js';
import { formatSummary, summarize, type ModelSummary } from '../summary.js';

export interface CheckOptions {
  json?: boolean;
  maxBatch?: number;
}

/** A diagnostic as --json gives it: 1-based line and column of where it points. */
export interface JsonDiagnostic {
  code: string;
  message: string;
  hint?: string;
  line?: number;
  col?: number;
}

export type CheckResult = ({ file: string; ok: true } & ModelSummary) | { file: string; ok: false; diagnostics: JsonDiagnostic[] };

function toJson(d: Diagnostic): JsonDiagnostic {
  const pos = d.file && d.range ? positionOf(d.file, d.range[0]) : undefined;
  return { code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}), ...(pos ? { line: pos.line, col: pos.col } : {}) };
}

export async function checkCommand(paths: string[], opts: CheckOptions): Promise<number> {
  const results: CheckResult[] = [];
  const tables: string[] = [];
  for (const path of paths) {
    const r = readSpec(path);
    if (!r.model) {
      reportDiagnostics(r.diagnostics);
      results.push({ file: path, ok: false, diagnostics: r.diagnostics.map(toJson) });
      continue;
    }
    const summary = summarize(r.model);
    if (opts.maxBatch !== undefined) {
      const { planFor } = await import('./plan.js');
      summary.arenaBytes = planFor(r.model, opts.maxBatch).arenaBytes;
      summary.maxBatch = opts.maxBatch;
    }
    results.push({ file: path, ok: true, ...summary });
    tables.push(formatSummary(summary));
  }
  if (opts.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else if (tables.length > 0) process.stdout.write(tables.join('\n\n') + '\n');
  return results.every((r) => r.ok) ? 0 : 1;
}
