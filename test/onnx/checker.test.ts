// onnx.checker.check_model(full_check=True), from Debian's python3-onnx, on every export
// (shipped and extra specs) and on the PyTorch fixtures: test/onnx/check_onnx.py.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTRA_SPECS, exportSpec, FIXTURES, HERE, SHIPPED_SPECS } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
const missing = probe.status === 0 ? undefined : `${PYTHON} cannot import onnx (apt-get install python3-onnx): ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}`;
if (missing) console.warn(`test/onnx/checker.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)(`onnx.checker ${missing ? `(skipped: ${missing})` : `(python3-onnx ${probe.stdout.trim()})`}`, () => {
  it('accepts every export and every fixture with full_check=True', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netspec-onnx-check-'));
    try {
      const specs = [...SHIPPED_SPECS, ...EXTRA_SPECS];
      for (const path of specs) writeFileSync(join(dir, `${basename(path, '.yaml')}.onnx`), exportSpec(path).bytes);
      const r = spawnSync(PYTHON, [join(HERE, 'check_onnx.py'), dir, FIXTURES], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout).toContain(`${specs.length + 6}/${specs.length + 6} models pass`);
      expect(r.stdout).not.toContain('FAIL');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
