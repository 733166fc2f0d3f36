// What every command shares: reading a spec and reporting diagnostics.
import { readFileSync } from 'node:fs';
import { NetspecError } from '../../runtime/errors.js';
import { checkSource, type FrontEndResult } from '../pipeline.js';
import { renderDiagnostic, type Diagnostic } from '../source/diagnostic.js';
import type { Model } from '../ir/graph.js';

export function readSpec(path: string): FrontEndResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    return { diagnostics: [{ code: 'NS100', message: `cannot read spec '${path}': ${why}` }] };
  }
  return checkSource(path, text);
}

export function reportDiagnostics(diags: Diagnostic[]): void {
  const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
  for (const d of diags) process.stderr.write(renderDiagnostic(d, color) + '\n');
  const n = diags.length;
  if (n > 1) process.stderr.write(`${n} errors\n`);
}

/** The checked model, or a NetspecError after printing the spec's diagnostics. */
export function loadModel(path: string): Model {
  const r = readSpec(path);
  if (!r.model) {
    reportDiagnostics(r.diagnostics);
    throw new NetspecError('', 1);
  }
  return r.model;
}

export function parsePositiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new NetspecError(`${what} must be a positive integer, got '${value}'`, 2);
  return n;
}
