/** `crucible export RUN_DIR --out NAME.crucible`: a training run's model as one bundle for colleagues and `crucible predict`. */
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { exportBundle } from '../../engine/export/bundle/index';
import { openProject } from '../../engine/project/index';

interface ExportCliOptions {
  out?: string;
  checkpoint: 'best' | 'last';
  name?: string;
  project?: string;
  force: boolean;
}

function parseCheckpoint(value: string): 'best' | 'last' {
  if (value !== 'best' && value !== 'last') throw new InvalidArgumentError('expected best or last.');
  return value;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a training run as a .crucible bundle (ONNX model, manifest, model card, weights)')
    .argument('<run-dir>', 'run folder written by `crucible train`')
    .option('--out <file>', 'bundle file (default: ./<run folder name>.crucible)')
    .option('--checkpoint <which>', 'best | last', parseCheckpoint, 'best')
    .option('--name <name>', "the model's name (default: the run's experiment name or folder)")
    .option('--project <dir>', 'project whose tables the run trained on (to record curve grids)')
    .option('--force', 'replace an existing bundle file', false)
    .action(async (runDir: string, opts: ExportCliOptions) => {
      const project = opts.project ? await openProject(opts.project) : undefined;
      const out = opts.out ?? `${basename(resolve(runDir))}.crucible`;
      const result = await exportBundle(runDir, out, {
        checkpoint: opts.checkpoint,
        name: opts.name,
        project,
        overwrite: opts.force,
        onNotice: (message) => process.stderr.write(`note: ${message}\n`),
      });
      const m = result.manifest;
      process.stdout.write(`${result.file}\n`);
      process.stderr.write(
        `Exported "${m.name}" (${m.training.checkpoint} checkpoint, epoch ${m.training.epoch}): ${m.tasks.map((t) => `${t.name} (${t.kind}${t.unit ? `, ${t.unit}` : ''})`).join(', ')}; ` +
          `${(result.bytes / 1024 / 1024).toFixed(1)} MiB.\n`,
      );
    });
}
