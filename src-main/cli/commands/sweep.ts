/** `crucible sweep CONFIG --task NAME --fractions …`: a data-scaling study, two runs at a time. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { learningCurveCsv, parseFractions, runSweep, sweepTableCsv } from '../../engine/studies/sweep';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt } from '../options';

interface SweepOptions {
  task: string;
  fractions: number[];
  seeds: number;
  maxEpochs?: number;
  out?: string;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description("train at several fractions of one task's labels (task_masking_ratios) and write the learning curve")
    .argument('<config>', 'run configuration (YAML)')
    .requiredOption('--task <name>', 'the task whose training labels are cut')
    .option('--fractions <list>', 'keep-ratios, e.g. 1,0.5,0.2,0.1', parseFractions, [1, 0.5, 0.2, 0.1])
    .option('--seeds <n>', 'seeds per fraction', parsePositiveInt, 1)
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--out <dir>', 'folder for the runs and tables (default: ./runs/sweep-<task>-<time>)')
    .action(async (configPath: string, opts: SweepOptions) => {
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs } });
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), `sweep-${opts.task}`);
      await mkdir(outDir, { recursive: true });
      process.stderr.write(`Sweep of ${opts.task}: fractions ${opts.fractions.join(', ')} × ${opts.seeds} seed(s), 2 runs at a time\n`);
      const result = await runSweep(config, data, {
        ...opts,
        outDir,
        onEvent: (p, e) => {
          if (e.type === 'done') process.stderr.write(`  fraction ${p.fraction}, seed ${p.seed}: done after ${e.summary.epochsRun} epochs\n`);
        },
      });
      await writeFile(join(outDir, 'sweep.csv'), sweepTableCsv(result));
      await writeFile(join(outDir, 'learning_curve.csv'), learningCurveCsv(result));
      process.stdout.write(`fraction  train_rows  test ${result.metric} (mean ± std over seeds)\n`);
      for (const c of result.curve)
        process.stdout.write(`${String(c.fraction).padEnd(9)} ${String(c.trainRows).padEnd(11)} ${c.mean.toFixed(4)} ± ${c.std.toFixed(4)}\n`);
      process.stdout.write(`tables: ${join(outDir, 'sweep.csv')}, ${join(outDir, 'learning_curve.csv')}\n`);
    });
}
