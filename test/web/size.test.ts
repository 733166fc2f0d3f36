// The size target: netspec's compiled MNIST CNN (module + runtime, weights excluded)
// at most 30 KB gzipped, and far below TensorFlow.js for the same model.
import { describe, expect, it } from 'vitest';
import { measureSizes } from '../../bench/size.js';

describe('bundle size (bench/size.ts)', () => {
  it('generated/mnist-cnn is at most 30 KB gzipped, a fraction of tfjs core + layers + backend', () => {
    const cpu = measureSizes({ backend: 'cpu' });
    expect(cpu.netspec.files).toContain('generated/mnist-cnn/index.js');
    expect(cpu.netspec.files.every((f) => f.endsWith('.js') || f.endsWith('.wasm'))).toBe(true);
    expect(cpu.netspec.gzip).toBeLessThanOrEqual(30 * 1024);
    expect(cpu.netspec.gzip).toBeLessThan(cpu.netspec.raw);
    expect(cpu.tfjs.files).toHaveLength(3);
    expect(cpu.tfjs.gzip).toBeGreaterThan(5 * cpu.netspec.gzip);
    const wasm = measureSizes({ backend: 'wasm' });
    expect(wasm.tfjs.files.some((f) => f.endsWith('.wasm'))).toBe(true);
    expect(wasm.tfjs.raw).toBeGreaterThan(cpu.tfjs.raw);
  });
});
