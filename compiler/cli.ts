// The netspec command line: arguments, exit codes (0 ok, 1 invalid input, 2 usage), and
// the one place where a user's mistake becomes a message instead of a stack trace.
import { Command, CommanderError, Option } from 'commander';
import { NetspecError } from '../runtime/errors.js';
import { buildSchema } from './schema/build.js';
import { checkCommand } from './commands/check.js';
import { registerTraining } from './commands/register-training.js';
import { registerOnnxCommands } from './commands/onnx-commands.js';
import { parsePositiveInt } from './commands/common.js';
import { VERSION } from './version.js';

type SetCode = (code: number) => void;
const int = (what: string) => (v: string) => parsePositiveInt(v, what);
const seed = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new NetspecError(`--seed must be an integer ≥ 0, got '${v}'`, 2);
  return n;
};
export const targetOption = () => new Option('--target <target>', 'code target').choices(['ts', 'wasm']).default('ts');

function program(setCode: SetCode): Command {
  const p = new Command('netspec')
    .description('Compile YAML neural-network specs to TypeScript and WebAssembly, train them, export them to ONNX.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run netspec --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  p.command('check')
    .description('validate specs and infer shapes; print a per-layer table (parameters, output shape, FLOPs)')
    .argument('<spec...>', 'spec files')
    .option('--json', 'print the tables as JSON')
    .option('--max-batch <n>', 'also plan memory and report the arena bytes for this batch size', int('--max-batch'))
    .action(async (specs: string[], o) => setCode(await checkCommand(specs, o)));

  p.command('schema')
    .description('print the JSON Schema of the spec format (for editors)')
    .action(() => {
      process.stdout.write(JSON.stringify(buildSchema(), null, 2) + '\n');
      setCode(0);
    });

  p.command('compile')
    .description('generate a self-contained module folder (ESM JavaScript, .d.ts and TypeScript sources); with several specs, one folder per spec under --out')
    .argument('<spec...>', 'spec files')
    .addOption(new Option('--target <target>', 'code target').choices(['ts', 'wasm', 'all']).default('ts'))
    .requiredOption('--out <dir>', 'output folder')
    .option('--quiet', 'print nothing on success')
    .action(async (specs: string[], o) => setCode(await (await import('./commands/compile.js')).compileCommand(specs, o)));

  p.command('init')
    .description('write seeded PyTorch-default initial weights as safetensors')
    .argument('<spec>', 'spec file')
    .option('--seed <n>', 'random seed', seed, 0)
    .requiredOption('--out <file>', 'weights file (.safetensors)')
    .action(async (spec: string, o) => setCode(await (await import('./commands/init.js')).initCommand(spec, o)));

  p.command('run')
    .description('run inference on an .npy input (any N, batched internally) and write an .npy output')
    .argument('<spec>', 'spec file')
    .requiredOption('--weights <file>', 'weights (.safetensors)')
    .requiredOption('--input <file>', 'input array, float32 [N, ...input shape]')
    .requiredOption('--out <file>', 'output array (.npy)')
    .option('--batch <n>', 'batch size', int('--batch'), 64)
    .addOption(targetOption())
    .action(async (spec: string, o) => setCode(await (await import('./commands/run.js')).runCommand(spec, o)));

  // Further commands register themselves here (train, export, import).
  for (const register of EXTRA_COMMANDS) register(p, setCode);
  return p;
}

/** Commands defined in their own modules: each adds itself to the program. */
export const EXTRA_COMMANDS: ((p: Command, setCode: SetCode) => void)[] = [registerTraining, registerOnnxCommands];

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const p = program((c) => (code = c));
  try {
    await p.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every other parse failure is a usage error.
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    if (e instanceof NetspecError) {
      if (e.message) process.stderr.write(`netspec: error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
