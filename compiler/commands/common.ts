// What every command shares: reading a spec and reporting diagnostics.
import { readFileSync, statSync } from 'node:fs';
import { NetspecError } from '../../runtime/errors.js';
import { checkSource, type FrontEndResult } from '../pipeline.js';
import { renderDiagnostic, sourceFile, type Diagnostic } from '../source/diagnostic.js';
import { YAML_LIMITS } from '../source/yaml.js';
import type { Model } from '../ir/graph.js';

export function readSpec(path: string): FrontEndResult {
  const refuse = (why: string): FrontEndResult => ({
    diagnostics: [{ code: 'NS100', message: `cannot read the spec: ${why}`, file: sourceFile(path, '') }],
  });
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return refuse('it is a directory');
    if (!st.isFile()) return refuse('it is not a regular file');
    // Refused before reading: no UTF-8 file of this many bytes fits the character limit.
    if (st.size > 3 * YAML_LIMITS.maxBytes) {
      return refuse(`it has ${st.size.toLocaleString('en-US')} bytes; the limit is ${YAML_LIMITS.maxBytes.toLocaleString('en-US')} characters`);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return refuse(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
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
