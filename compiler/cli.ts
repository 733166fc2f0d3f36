// The netspec command line: arguments, exit codes (0 ok, 1 invalid input, 2 usage), and
// the one place where a user's mistake becomes a message instead of a stack trace.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { NetspecError } from '../runtime/errors.js';
import { buildSchema } from './schema/build.js';
import { checkCommand } from './commands/check.js';
import { parsePositiveInt } from './commands/common.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function program(setCode: (c: number) => void): Command {
  const p = new Command('netspec')
    .description('Compile YAML neural-network specs to TypeScript and WebAssembly, train them, export them to ONNX.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run netspec --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const int = (what: string) => (v: string) => parsePositiveInt(v, what);

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

  const target = () => new Option('--target <target>', 'code target').choices(['ts', 'wasm', 'all']).default('ts');
  void target;
  return p;
}

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
