/** `crucible sweep CONFIG --task NAME --fractions …`: a data-scaling study, two runs at a time (or one run, or the tables: study-steps.ts). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { collectRuns } from '../../engine/studies/study-runs';
import { learningCurveCsv, parseFractions, runSweep, summarizeSweep, sweepRunInput, sweepRuns, sweepTableCsv } from '../../engine/studies/sweep';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt } from '../options';
import { addStudyStepOptions, checkStudySteps, trainOneStudyRun, type StudyStepOptions } from '../study-steps';

export interface SweepCliOptions {
  task: string;
  fractions: number[];
  seeds: number;
  maxEpochs?: number;
  out?: string;
}

/** The study's own options, shared with `crucible slurm sweep`. */
export function addSweepOptions(command: Command): Command {
  return command
    .argument('<config>', 'run configuration (YAML)')
    .requiredOption('--task <name>', 'the task whose training labels are cut')
    .option('--fractions <list>', 'keep-ratios, e.g. 1,0.5,0.2,0.1', parseFractions, [1, 0.5, 0.2, 0.1])
    .option('--seeds <n>', 'seeds per fraction', parsePositiveInt, 1)
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt);
}

/** The options again as arguments, for the steps of a job array. */
export function sweepArgs(opts: SweepCliOptions): string[] {
  return [
    '--task',
    opts.task,
    '--fractions',
    opts.fractions.join(','),
    '--seeds',
    String(opts.seeds),
    ...(opts.maxEpochs ? ['--max-epochs', String(opts.maxEpochs)] : []),
  ];
}

export function registerSweep(program: Command): void {
  const command = program.command('sweep').description("train at several fractions of one task's labels (task_masking_ratios) and write the learning curve");
  addStudyStepOptions(addSweepOptions(command).option('--out <dir>', 'folder for the runs and tables (default: ./runs/sweep-<task>-<time>)')).action(
    async (configPath: string, opts: SweepCliOptions & StudyStepOptions) => {
      checkStudySteps(opts);
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs } });
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), `sweep-${opts.task}`);
      await mkdir(outDir, { recursive: true });
      const runs = sweepRuns(config, { ...opts, outDir });
      if (opts.runIndex !== undefined) return trainOneStudyRun(runs, opts.runIndex, (run) => sweepRunInput(config, data, opts.task, run));
      let result;
      if (opts.collect) result = summarizeSweep(config, data, opts, runs, await collectRuns(runs));
      else {
        process.stderr.write(`Sweep of ${opts.task}: fractions ${opts.fractions.join(', ')} × ${opts.seeds} seed(s), 2 runs at a time\n`);
        result = await runSweep(config, data, {
          ...opts,
          outDir,
          onEvent: (p, e) => {
            if (e.type === 'done') process.stderr.write(`  fraction ${p.fraction}, seed ${p.seed}: done after ${e.summary.epochsRun} epochs\n`);
          },
        });
      }
      await writeFile(join(outDir, 'sweep.csv'), sweepTableCsv(result));
      await writeFile(join(outDir, 'learning_curve.csv'), learningCurveCsv(result));
      process.stdout.write(`fraction  train_rows  test ${result.metric} (mean ± std over seeds)\n`);
      for (const c of result.curve)
        process.stdout.write(`${String(c.fraction).padEnd(9)} ${String(c.trainRows).padEnd(11)} ${c.mean.toFixed(4)} ± ${c.std.toFixed(4)}\n`);
      process.stdout.write(`tables: ${join(outDir, 'sweep.csv')}, ${join(outDir, 'learning_curve.csv')}\n`);
    },
  );
}
