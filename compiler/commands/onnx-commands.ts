// `netspec export` and `netspec import`: registered with the CLI through EXTRA_COMMANDS.
import type { Command } from 'commander';

export function registerOnnxCommands(p: Command, setCode: (code: number) => void): void {
  p.command('export')
    .description('write the spec with its weights as an ONNX model (opset 17, dynamic batch)')
    .argument('<spec>', 'spec file')
    .requiredOption('--weights <file>', 'weights (.safetensors)')
    .requiredOption('--out <file>', 'ONNX model to write (.onnx)')
    .option('--check', 'first run the export in ONNX Runtime at batch 1 and 7 and compare it with netspec (max relative difference ≤ 1e-5)')
    .action(async (spec: string, o) => setCode(await (await import('./export.js')).exportCommand(spec, o)));

  p.command('import')
    .description('turn an ONNX model made of netspec ops (e.g. from torch.onnx.export) into a spec and its weights')
    .argument('<model>', 'ONNX model (.onnx)')
    .requiredOption('--out <file>', 'spec to write (.yaml)')
    .requiredOption('--weights <file>', 'weights to write (.safetensors)')
    .option('--name <name>', "the spec's name (default: the graph's name, or the spec file's)")
    .option('--check', 'first compare the imported spec with the ONNX model in ONNX Runtime')
    .action(async (model: string, o) => setCode(await (await import('./import.js')).importCommand(model, o)));
}
