// `netspec check` and `netspec schema` through main(argv): stdout, stderr and exit codes
// (0 ok, 1 invalid input, 2 usage error).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../compiler/cli.js';
import type { CheckResult } from '../../compiler/commands/check.js';
import { runCli } from './run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const spec = (name: string) => join(ROOT, 'specs', name);
const invalid = (name: string) => join(ROOT, 'test/spec/invalid', name);

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

afterEach(() => vi.restoreAllMocks());

describe('netspec check', () => {
  it('prints the per-layer table and totals of a clean spec, exit 0', async () => {
    const { code, out, err } = await run('check', spec('cnn.yaml'));
    expect([code, err]).toEqual([0, '']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('cnn: input [3, 28, 28] → output [10]');
    expect(lines[1]).toMatch(/^layer\s+op\s+output\s+params\s+FLOPs$/);
    expect(lines).toContainEqual(expect.stringMatching(/^conv1\s+conv2d\s+\[32, 28, 28\]\s+896\s+1,379,840$/));
    expect(lines).toContainEqual(expect.stringMatching(/^layers\.6\s+flatten\s+\[3136\]\s+0\s+0$/));
    expect(lines).toContainEqual(expect.stringMatching(/^fc2\s+dense\s+\[10\]\s+1,290\s+2,570$/));
    expect(lines).toContainEqual(expect.stringMatching(/^total\s+422,218\s+9,498,634$/));
    expect(lines[lines.length - 1]).toBe('loss cross_entropy, optimizer sgd');
  });

  it('checks several specs in one run', async () => {
    const { code, out } = await run('check', spec('cnn.yaml'), spec('rnn.yaml'), spec('autoencoder.yaml'), spec('mnist-cnn.yaml'));
    expect(code).toBe(0);
    for (const total of ['422,218', '1,234', '1,049,684', '421,642']) expect(out).toMatch(new RegExp(`^total\\s+${total}\\s`, 'm'));
  });

  it('--json gives the same table for programs', async () => {
    const { code, out } = await run('check', '--json', spec('rnn.yaml'));
    expect(code).toBe(0);
    const results = JSON.parse(out) as CheckResult[];
    expect(results).toEqual([
      {
        file: spec('rnn.yaml'),
        ok: true,
        name: 'rnn',
        input: [16, 10],
        output: [2],
        layers: [
          { name: 'lstm', op: 'lstm', output: [8], params: 1216, flops: 39424 },
          { name: 'fc', op: 'dense', output: [2], params: 18, flops: 34 },
        ],
        totalParams: 1234,
        totalFlops: 39458,
        loss: 'cross_entropy',
        optimizer: 'adam',
      },
    ]);
  });

  it('--max-batch also reports the arena the memory plan needs', async () => {
    const { code, out } = await run('check', '--max-batch', '8', spec('rnn.yaml'));
    expect(code).toBe(0);
    expect(out).toMatch(/^loss cross_entropy, optimizer adam, arena [\d,]+ bytes at max batch 8$/m);
    const [json] = JSON.parse((await run('check', '--json', '--max-batch', '8', spec('rnn.yaml'))).out) as { arenaBytes: number; maxBatch: number }[];
    expect(json.maxBatch).toBe(8);
    expect(json.arenaBytes).toBeGreaterThan(0);
  });

  it('an invalid spec: located diagnostics on stderr with a code frame, exit 1', async () => {
    const { code, out, err } = await run('check', invalid('shape-dense-needs-flat.yaml'));
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.split('\n').slice(0, 5)).toEqual([
      `${invalid('shape-dense-needs-flat.yaml')}:8:5: error: dense 'fc1' needs a flat input, got [8,13,13] from layers.2 [NS301]`,
      '  |',
      '8 |   - dense: {name: fc1, units: 10}',
      '  |     ^~~~~',
      'hint: insert flatten before it',
    ]);
  });

  it('reports every mistake of a file, and goes on to the next file', async () => {
    const { code, out, err } = await run('check', invalid('many-mistakes.yaml'), spec('rnn.yaml'));
    expect(code).toBe(1);
    const heads = err.split('\n').filter((l) => / error: /.test(l));
    expect(heads.map((h) => /:(\d+:\d+): error: .* \[(NS\d+)\]$/.exec(h)!.slice(1).join(' '))).toEqual([
      '5:38 NS204', '7:5 NS201', '8:19 NS211', '8:32 NS202', '9:18 NS205', '11:23 NS205', '12:1 NS204',
    ]);
    expect(err).toContain('7 errors');
    expect(out).toMatch(/^total\s+1,234\s/m);
  });

  it('--json reports a failed file with its located diagnostics', async () => {
    const { code, out } = await run('check', '--json', invalid('unknown-op.yaml'));
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual([
      {
        file: invalid('unknown-op.yaml'),
        ok: false,
        diagnostics: [{ code: 'NS201', message: "unknown op 'conv2'", hint: "did you mean 'conv2d'?", line: 5, col: 5 }],
      },
    ]);
  });

  it('a nonexistent file: one clear message, exit 1', async () => {
    const { code, out, err } = await run('check', 'no/such/spec.yaml');
    expect([code, out]).toEqual([1, '']);
    expect(err).toBe('no/such/spec.yaml: error: cannot read the spec: no such file [NS100]\n');
  });

  it('a directory or a device is refused without reading it', async () => {
    expect((await run('check', ROOT)).err).toBe(`${ROOT}: error: cannot read the spec: it is a directory [NS100]\n`);
    const dev = await run('check', '/dev/zero');
    expect([dev.code, dev.err]).toEqual([1, '/dev/zero: error: cannot read the spec: it is not a regular file [NS100]\n']);
  });

  it('a file written in CRLF or with tabs in a comment still points at the right column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netspec-check-'));
    const file = join(dir, 'crlf.yaml');
    writeFileSync(file, 'netspec: 1\r\nname: t\t# a comment\r\ninput: {shape: [4]}\r\nlayers:\r\n  - dense: {unit: 3}\r\n');
    const { code, err } = await run('check', file);
    expect(code).toBe(1);
    expect(err.split('\n').slice(0, 4)).toEqual([
      `${file}:5:13: error: unknown attribute 'unit' for dense layers.0 [NS204]`,
      '  |',
      '5 |   - dense: {unit: 3}',
      '  |             ^~~~',
    ]);
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['chek', spec('cnn.yaml')], "error: unknown command 'chek'"],
    [['check'], "error: missing required argument 'spec'"],
    [['check', '--max-batch', 'many', spec('cnn.yaml')], "--max-batch must be a positive integer, got 'many'"],
    [['check', '--max-batch', '0', spec('cnn.yaml')], "--max-batch must be a positive integer, got '0'"],
    [['check', '--frobnicate', spec('cnn.yaml')], "error: unknown option '--frobnicate'"],
  ])('%j', async (argv, message) => {
    const { code, out, err } = await run(...argv);
    expect([code, out]).toEqual([2, '']);
    expect(err).toContain(message);
  });
});

describe('help and version exit 0', () => {
  it('--help', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toContain('Usage: netspec');
    expect(out).toMatch(/^\s+check \[options\] <spec\.\.\.>/m);
    expect(out).toMatch(/^\s+schema\b/m);
  });

  it('check --help', async () => {
    const { code, out } = await run('check', '--help');
    expect(code).toBe(0);
    expect(out).toContain('--json');
  });

  it('--version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('netspec schema', () => {
  it('prints the committed JSON Schema, exit 0', async () => {
    const { code, out, err } = await run('schema');
    expect([code, err]).toEqual([0, '']);
    expect(out).toBe(readFileSync(join(ROOT, 'netspec.schema.json'), 'utf8'));
  });
});
