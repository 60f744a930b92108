/** `crucible bench matbench TASK`: a config scored by Matbench's five-fold protocol, beside the leaderboard (or one fold, or the score: study-steps.ts). */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import {
  MATBENCH_METRIC_NAMES,
  MATBENCH_TASKS,
  matbenchRunInput,
  matbenchRuns,
  matbenchSpec,
  runMatbench,
  summarizeMatbench,
} from '../../engine/studies/matbench';
import { collectRuns } from '../../engine/studies/study-runs';
import { packageRoot } from '../../engine/paths';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt } from '../options';
import { addStudyStepOptions, checkStudySteps, trainOneStudyRun, type StudyStepOptions } from '../study-steps';

export interface BenchOptions {
  config?: string;
  maxEpochs?: number;
  out?: string;
  folds?: number;
}

/** The protocol's own options, shared with `crucible slurm bench matbench`. */
export function addMatbenchOptions(command: Command): Command {
  return command
    .argument('<task>', 'Matbench task, e.g. expt_gap')
    .option('--config <yaml>', 'run configuration (default: examples/matbench_<task>.yaml)')
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--folds <n>', 'score only the first n folds (quick checks)', parsePositiveInt);
}

/** The options again as arguments, for the steps of a job array. */
export function matbenchArgs(opts: BenchOptions): string[] {
  return [
    ...(opts.config ? ['--config', resolve(opts.config)] : []),
    ...(opts.maxEpochs ? ['--max-epochs', String(opts.maxEpochs)] : []),
    ...(opts.folds ? ['--folds', String(opts.folds)] : []),
  ];
}

export const matbenchConfigPath = (task: string, opts: BenchOptions): string => opts.config ?? join(packageRoot(), 'examples', `matbench_${task}.yaml`);

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('score a model configuration on a published benchmark protocol');
  const matbench = bench.command('matbench').description(`Matbench v0.1 five-fold cross-validation (tasks: ${Object.keys(MATBENCH_TASKS).join(', ')})`);
  addStudyStepOptions(addMatbenchOptions(matbench).option('--out <dir>', 'folder for the fold runs (default: ./runs/matbench-<task>-<time>)')).action(
    async (task: string, opts: BenchOptions & StudyStepOptions) => {
      checkStudySteps(opts);
      const spec = matbenchSpec(task);
      const metricName = MATBENCH_METRIC_NAMES[spec.metric];
      const config = await loadConfig(matbenchConfigPath(task, opts), { overrides: { maxEpochs: opts.maxEpochs } });
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), `matbench-${task}`);
      const runs = matbenchRuns(task, { outDir, folds: opts.folds });
      if (opts.runIndex !== undefined) return trainOneStudyRun(runs, opts.runIndex, (run) => matbenchRunInput(task, config, data, run));
      let result;
      if (opts.collect) result = summarizeMatbench(task, await collectRuns(runs));
      else {
        process.stderr.write(
          `Matbench ${task}: ${data.set.n} rows, 5 folds (${spec.metric === 'mae' ? 'KFold' : 'StratifiedKFold'} shuffle, random_state 18012019), 2 at a time\n`,
        );
        result = await runMatbench(task, config, data, {
          outDir,
          folds: opts.folds,
          onEvent: (fold, e) => {
            if (e.type === 'done')
              process.stderr.write(
                `  fold ${fold + 1}: test ${metricName} ${e.summary.metrics?.tasks[spec.task]?.test[spec.metric]?.toFixed(4)} after ${e.summary.epochsRun} epochs\n`,
              );
          },
        });
      }
      process.stdout.write(
        `matbench_${task} mean test ${metricName} over ${result.folds.length} folds: ${result.meanScore.toFixed(4)} ± ${result.stdScore.toFixed(4)}\n`,
      );
      for (const entry of spec.leaderboard) process.stdout.write(`  leaderboard ${entry.model}: ${entry.score}\n`);
      process.stdout.write(`runs: ${outDir}\n`);
    },
  );
}
