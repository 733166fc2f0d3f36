// The demo server's URL → file mapping: the page, the compiled module folders, nothing outside.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveRequest } from '../../web/serve.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('web/serve.ts resolveRequest', () => {
  it('serves the page, its scripts and the compiled models', () => {
    expect(resolveRequest('/')).toBe(join(ROOT, 'web', 'index.html'));
    expect(resolveRequest('/app.js?v=1')).toBe(join(ROOT, 'web', 'app.js'));
    const model = resolveRequest('/models/mnist-cnn/runtime/model.js')!;
    expect(model.endsWith(join('mnist-cnn', 'runtime', 'model.js'))).toBe(true);
    expect(readFileSync(model, 'utf8')).toContain('createRuntimeModel');
  });

  it('refuses paths that leave their folder, folders and missing files', () => {
    for (const url of ['/../package.json', '/models/../../package.json', '/models/..%2f..%2fpackage.json', '/%2e%2e/package.json', '/models/', '/nothing.js', '/a%00b', '/%E0%A4%A']) {
      expect(resolveRequest(url), url).toBeUndefined();
    }
  });
});
