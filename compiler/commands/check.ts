// netspec check SPEC...: validate, infer shapes, print the per-layer table (or --json).
import { readSpec, reportDiagnostics } from './common.js';
import { formatSummary, summarize, type ModelSummary } from '../summary.js';

export interface CheckOptions {
  json?: boolean;
  maxBatch?: number;
}

export async function checkCommand(paths: string[], opts: CheckOptions): Promise<number> {
  let failed = false;
  const results: (ModelSummary & { file: string })[] = [];
  const tables: string[] = [];
  for (const path of paths) {
    const r = readSpec(path);
    if (!r.model) {
      reportDiagnostics(r.diagnostics);
      failed = true;
      continue;
    }
    const summary = summarize(r.model);
    if (opts.maxBatch !== undefined) {
      const { planFor } = await import('./plan.js');
      summary.arenaBytes = planFor(r.model, opts.maxBatch).arenaBytes;
      summary.maxBatch = opts.maxBatch;
    }
    results.push({ file: path, ...summary });
    tables.push(formatSummary(summary));
  }
  if (opts.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else if (tables.length > 0) process.stdout.write(tables.join('\n\n') + '\n');
  return failed ? 1 : 0;
}
