/** `crucible bench matbench TASK`: a config scored by Matbench's five-fold protocol, beside the leaderboard. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { MATBENCH_TASKS, runMatbench } from '../../engine/studies/matbench';
import { packageRoot } from '../../engine/paths';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt } from '../options';

interface BenchOptions {
  config?: string;
  maxEpochs?: number;
  out?: string;
  folds?: number;
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('score a model configuration on a published benchmark protocol');
  bench
    .command('matbench')
    .description(`Matbench v0.1 five-fold cross-validation (tasks: ${Object.keys(MATBENCH_TASKS).join(', ')})`)
    .argument('<task>', 'Matbench task, e.g. expt_gap')
    .option('--config <yaml>', 'run configuration (default: examples/matbench_<task>.yaml)')
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--folds <n>', 'score only the first n folds (quick checks)', parsePositiveInt)
    .option('--out <dir>', 'folder for the fold runs (default: ./runs/matbench-<task>-<time>)')
    .action(async (task: string, opts: BenchOptions) => {
      const spec = MATBENCH_TASKS[task];
      const configPath = opts.config ?? join(packageRoot(), 'examples', `matbench_${task}.yaml`);
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs } });
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), `matbench-${task}`);
      process.stderr.write(`Matbench ${task}: ${data.set.n} rows, 5 folds (KFold shuffle, random_state 18012019), 2 at a time\n`);
      const result = await runMatbench(task, config, data, {
        outDir,
        folds: opts.folds,
        onEvent: (fold, e) => {
          if (e.type === 'done')
            process.stderr.write(
              `  fold ${fold + 1}: test MAE ${e.summary.metrics?.tasks[spec?.task ?? '']?.test.mae?.toFixed(4)} after ${e.summary.epochsRun} epochs\n`,
            );
        },
      });
      process.stdout.write(`matbench_${task} mean test MAE over ${result.folds.length} folds: ${result.meanMae.toFixed(4)} ± ${result.stdMae.toFixed(4)}\n`);
      for (const entry of spec.leaderboard) process.stdout.write(`  leaderboard ${entry.model}: ${entry.mae}\n`);
      process.stdout.write(`runs: ${outDir}\n`);
    });
}
