// Run by relaxed.test.ts under `node --experimental-wasm-relaxed-simd --import tsx`: the
// relaxed-SIMD variant's errors, as one JSON line on stdout.
import { relaxedSimdSupported } from '../../runtime/wasm.js';
import { NETS, OP_SPECS, referenceErrors, targetErrors } from './checks.js';

const reference: Record<string, unknown> = {};
for (const net of NETS) reference[net] = await referenceErrors(net, 'relaxed');
const targets: Record<string, unknown> = {};
for (const [name, yaml] of Object.entries(OP_SPECS)) targets[name] = await targetErrors(yaml, 'relaxed');
process.stdout.write(JSON.stringify({ supported: relaxedSimdSupported(), reference, targets }) + '\n');
