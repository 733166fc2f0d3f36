// Every spec under test/spec/invalid/ is checked against the diagnostics written at its end:
//   # expect LINE:COL CODE message      (exact message, in the order they are reported)
//   # hint text                          (the hint of the diagnostic above, exact)
// A diagnostic without a `# hint` line must have no hint. Nothing else may be reported.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { positionOf, renderDiagnostic, type Diagnostic } from '../../compiler/source/diagnostic.js';
import { YAML_LIMITS } from '../../compiler/source/yaml.js';

const DIR = join(import.meta.dirname, 'invalid');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

interface Expected {
  at: string;
  code: string;
  message: string;
  hint?: string;
}

function expectations(text: string): Expected[] {
  const out: Expected[] = [];
  for (const line of text.split('\n')) {
    const e = /^# expect (\d+:\d+|-) (NS\d{3}) (.*)$/.exec(line);
    if (e) out.push({ at: e[1], code: e[2], message: e[3] });
    const h = /^# hint (.*)$/.exec(line);
    if (h) out[out.length - 1].hint = h[1];
  }
  return out;
}

function actual(d: Diagnostic): Expected {
  const pos = d.file && d.range ? positionOf(d.file, d.range[0]) : undefined;
  return { at: pos ? `${pos.line}:${pos.col}` : '-', code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}) };
}

describe('invalid specs', () => {
  it('there are at least 45 of them, each with its expected diagnostics', () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    for (const f of files) expect(expectations(readFileSync(join(DIR, f), 'utf8')).length, f).toBeGreaterThan(0);
  });

  it.each(files)('%s', (f) => {
    const path = `test/spec/invalid/${f}`;
    const text = readFileSync(join(DIR, f), 'utf8');
    const r = checkSource(path, text);
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map(actual)).toEqual(expectations(text));
    for (const d of r.diagnostics) {
      // Rendered as `path:line:col: error: message [code]`, then a code frame with a caret.
      const [head, , frame, caret] = renderDiagnostic(d).split('\n');
      const { at, code, message } = actual(d);
      expect(head).toBe(`${path}:${at}: error: ${message} [${code}]`);
      expect(frame).toMatch(/^\d+ \| /);
      expect(caret).toMatch(/^ +\| +\^~*$/);
    }
  });

  it('covers every diagnostic code a spec can earn', () => {
    const codes = new Set(files.flatMap((f) => expectations(readFileSync(join(DIR, f), 'utf8')).map((e) => e.code)));
    const wanted = ['NS101', 'NS102', 'NS103', 'NS105', 'NS106', 'NS107', 'NS201', 'NS202', 'NS203', 'NS204', 'NS205', 'NS206', 'NS207', 'NS208', 'NS209', 'NS210', 'NS211', 'NS212', 'NS213', 'NS301', 'NS303', 'NS401', 'NS402', 'NS403', 'NS404'];
    expect([...codes].sort()).toEqual(expect.arrayContaining(wanted));
  });

  it('refuses a file over the size limit before parsing it', () => {
    const text = `netspec: 1\nname: t\ninput: {shape: [4]}\nlayers: [relu]\ndescription: "${'x'.repeat(YAML_LIMITS.maxBytes)}"\n`;
    const r = checkSource('big.yaml', text);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['NS104', `spec file has ${text.length.toLocaleString('en-US')} characters; the limit is 1,048,576`],
    ]);
  });

  it('reports a mistake on a very long line with a short code frame', () => {
    const text = `netspec: 1\nname: t\ninput: {shape: [4]}\nlayers: [${'relu, '.repeat(2000)}rellu]\n`;
    const [d] = checkSource('long.yaml', text).diagnostics;
    expect(actual(d)).toMatchObject({ at: '4:12010', code: 'NS201', message: "unknown op 'rellu'" });
    const frame = renderDiagnostic(d).split('\n');
    expect(frame[2].length).toBeLessThan(200);
    // The caret still stands under the name it points at.
    expect(frame[2].indexOf('rellu')).toBe(frame[3].indexOf('^'));
  });
});
