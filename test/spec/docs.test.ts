// docs/spec.md keeps up with the registry: every op, attribute, loss, optimizer, limit and
// diagnostic code the compiler has is documented.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../compiler/ops/attrs.js';
import { LOSSES, OPS, OPTIMIZERS } from '../../compiler/ops/index.js';
import { YAML_LIMITS } from '../../compiler/source/yaml.js';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs/spec.md'), 'utf8');

/** The text of the `### ...` section whose heading names `op`. */
function section(op: string): string {
  const parts = doc.split(/^### /m);
  const found = parts.find((p) => p.split('\n')[0].split(/,\s*/).includes(op));
  return found ?? '';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('docs/spec.md', () => {
  it.each([...OPS.keys()])('documents op %s and each of its attributes', (op) => {
    const text = section(op);
    expect(text, `no '### ${op}' section`).not.toBe('');
    for (const attr of [...Object.keys(OPS.get(op)!.attributes), ...OPS.get(op)!.required]) expect(text).toContain(`\`${attr}\``);
  });

  it('documents every loss and optimizer attribute', () => {
    for (const name of LOSSES.keys()) expect(doc).toContain(`| \`${name}\` |`);
    for (const [name, o] of OPTIMIZERS) {
      expect(doc).toContain(`| \`${name}\` |`);
      for (const attr of Object.keys(o.attributes)) expect(doc).toContain(`| \`${attr}\` |`);
    }
  });

  it('states every limit', () => {
    const n = (v: number) => v.toLocaleString('en-US');
    for (const v of [...Object.values(LIMITS), YAML_LIMITS.maxBytes, YAML_LIMITS.maxExpandedNodes]) expect(doc).toContain(n(v));
    expect(doc).toContain(`${YAML_LIMITS.maxDepth} levels`);
  });

  it('lists every diagnostic code the compiler can emit', () => {
    const codes = new Set(sourceFiles(join(ROOT, 'compiler')).flatMap((f) => readFileSync(f, 'utf8').match(/'NS\d{3}'/g) ?? []));
    for (const c of codes) expect(doc).toContain(`| ${c.slice(1, -1)} |`);
  });
});
