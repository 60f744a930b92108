/**
 * `crucible slurm predict|sweep|compare|bench|ensemble`: the same work as the command of that name, as a Slurm job array (one
 * task per row shard or per training run) and a report step that runs once all tasks succeeded (the merge, the
 * study's tables). Without --submit it writes the two batch scripts; with it, it submits what is not done yet and
 * follows the jobs to the end. Submitting again after a failure redoes only the failed tasks.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ARRAY_INDEX, type ArrayJob } from '../../engine/cluster/array-script';
import { loadConfig } from '../../engine/config/index';
import { CrucibleError } from '../../engine/errors';
import { incompleteShards, shardsDir } from '../../engine/infer/index';
import { compareRuns } from '../../engine/studies/compare';
import { matbenchRuns } from '../../engine/studies/matbench';
import { unfinishedRuns, type StudyRun } from '../../engine/studies/study-runs';
import { ensembleSize, unfinishedMembers } from '../../engine/studies/ensemble/train-ensemble';
import { sweepRuns } from '../../engine/studies/sweep';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt, parseSeed } from '../options';
import { addArrayOptions, crucibleCommand, resourcesOf, runArrayCommand, type ArrayCliOptions } from '../slurm-array';
import { addMatbenchOptions, matbenchArgs, matbenchConfigPath, type BenchOptions } from './bench';
import { addCompareOptions, compareArgs, compareOptions, type CompareCliOptions } from './compare';
import { addPredictRowOptions, keptColumns, predictRowArgs, type PredictCliOptions } from './predict';
import { addSweepOptions, sweepArgs, type SweepCliOptions } from './sweep';
import { trainOverrideArgs } from './train';

function existing(path: string, what: string): string {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new CrucibleError('not-found', `There is no ${what} at ${absolute}.`, { hint: `Check the path of the ${what}.` });
  return absolute;
}

function registerPredictArray(slurm: Command): void {
  const command = slurm
    .command('predict')
    .description('predict a file as a job array of row shards (crucible predict --shard), then merge them (crucible merge)')
    .argument('<model>', '.crucible bundle or training run folder')
    .argument('<input>', 'file with a formula column and/or the descriptor columns')
    .requiredOption('--out <file>', 'the merged predictions, .csv or .parquet; the shards go to <out>.shards/')
    .requiredOption('--shards <n>', 'tasks in the array, each predicting one shard of the rows', parsePositiveInt);
  addArrayOptions(addPredictRowOptions(command)).action(
    async (modelPath: string, inputPath: string, opts: PredictCliOptions & ArrayCliOptions & { out: string; shards: number }) => {
      const model = existing(modelPath, 'model');
      const input = existing(inputPath, 'input file');
      const out = resolve(opts.out);
      const count = opts.shards;
      const job: ArrayJob = {
        name: 'crucible-predict',
        dir: join(shardsDir(out), 'slurm'),
        count,
        task: crucibleCommand(
          'predict',
          model,
          input,
          '--out',
          out,
          '--shard',
          `${ARRAY_INDEX}/${count}`,
          '--threads',
          String(opts.cpus ?? 1),
          ...predictRowArgs(opts),
        ),
        report: crucibleCommand('merge', out),
        resources: resourcesOf(opts),
        workdir: process.cwd(),
        summary: `task I predicts shard I/${count} of ${basename(input)} with ${basename(model)}`,
      };
      const keep = opts.keep === undefined ? undefined : keptColumns(opts.keep);
      await runArrayCommand(job, () => incompleteShards({ model, input, output: out, formulaColumn: opts.formulaColumn, keep }, count), opts);
      if (opts.submit) process.stdout.write(`${out}\n`);
    },
  );
}

interface StudyArray {
  /** The study's command, e.g. ['sweep'] or ['bench', 'matbench']. */
  command: string[];
  /** The job's name after crucible- (default: the command's words). */
  name?: string;
  /** Its arguments and options but --out, as the user gave them. */
  args: string[];
  /** The option naming a task's step: --run-index from 0 for a study's runs, --member from 1 for an ensemble's. */
  step: '--run-index' | '--member';
  count: number;
  /** The steps whose work is not done. */
  remaining: () => Promise<number[]>;
  outDir: string;
  summary: string;
}

const ofRuns = (runs: readonly StudyRun[]) => ({ step: '--run-index' as const, count: runs.length, remaining: () => unfinishedRuns(runs) });

/** A study as an array with one task per run (`--run-index I`) and the tables as the report step (`--collect`). */
async function runStudyArray(study: StudyArray, opts: ArrayCliOptions): Promise<void> {
  const base = crucibleCommand(...study.command, ...study.args, '--out', study.outDir);
  const job: ArrayJob = {
    name: `crucible-${study.name ?? study.command.join('-')}`,
    dir: join(study.outDir, 'slurm'),
    count: study.count,
    first: study.step === '--member' ? 1 : 0,
    task: [...base, study.step, ARRAY_INDEX],
    report: [...base, '--collect'],
    resources: resourcesOf(opts),
    workdir: process.cwd(),
    summary: study.summary,
  };
  await runArrayCommand(job, study.remaining, opts);
  if (opts.submit) process.stdout.write(`${study.outDir}\n`);
}

const studyDir = (out: string | undefined, name: string) => (out ? resolve(out) : createRunDir(resolve('runs'), name));

function registerSweepArray(slurm: Command): void {
  const command = slurm.command('sweep').description('a data-scaling sweep (crucible sweep) as a job array: one task per fraction and seed, then the tables');
  addArrayOptions(addSweepOptions(command).option('--out <dir>', 'the study folder (default: ./runs/sweep-<task>-<time>)')).action(
    async (configPath: string, opts: SweepCliOptions & ArrayCliOptions) => {
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs } });
      const outDir = studyDir(opts.out, `sweep-${opts.task}`);
      await runStudyArray(
        {
          command: ['sweep'],
          args: [existing(configPath, 'config'), ...sweepArgs(opts)],
          ...ofRuns(sweepRuns(config, { ...opts, outDir })),
          outDir,
          summary: `task I trains run I of the sweep of ${opts.task} (fraction by fraction, seeds within)`,
        },
        opts,
      );
    },
  );
}

function registerCompareArray(slurm: Command): void {
  const command = slurm
    .command('compare')
    .description('the multi-task gain report (crucible compare) as a job array: one task per strategy or single-task model and seed, then the report');
  addArrayOptions(addCompareOptions(command).option('--out <dir>', 'the study folder (default: ./runs/compare-<time>)')).action(
    async (configPath: string, opts: CompareCliOptions & ArrayCliOptions) => {
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs } });
      const outDir = studyDir(opts.out, 'compare');
      await runStudyArray(
        {
          command: ['compare'],
          args: [existing(configPath, 'config'), ...compareArgs(opts)],
          ...ofRuns(compareRuns(config, compareOptions(opts, outDir))),
          outDir,
          summary: 'task I trains run I of the comparison (strategies, then single-task models; seeds within)',
        },
        opts,
      );
    },
  );
}

function registerBenchArray(slurm: Command): void {
  const bench = slurm.command('bench').description('a benchmark protocol (crucible bench) as a job array');
  const command = bench.command('matbench').description('Matbench five-fold cross-validation as a job array: one task per fold, then the score');
  addArrayOptions(addMatbenchOptions(command).option('--out <dir>', 'the folder of the fold runs (default: ./runs/matbench-<task>-<time>)')).action(
    async (task: string, opts: BenchOptions & ArrayCliOptions) => {
      existing(matbenchConfigPath(task, opts), 'config');
      const outDir = studyDir(opts.out, `matbench-${task}`);
      await runStudyArray(
        {
          command: ['bench', 'matbench'],
          args: [task, ...matbenchArgs(opts)],
          ...ofRuns(matbenchRuns(task, { outDir, folds: opts.folds })),
          outDir,
          summary: `task I trains fold I + 1 of Matbench ${task}`,
        },
        opts,
      );
    },
  );
}

function registerEnsembleArray(slurm: Command): void {
  const command = slurm
    .command('ensemble')
    .description('a deep ensemble (a config with ensemble: { size: N }) as a job array: one task per member (crucible train --member), then the combination')
    .argument('<config>', 'run configuration (YAML) with an ensemble section')
    .option('--out <dir>', 'the ensemble folder (default: ./runs/<name>-<time>)')
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--seed <s>', 'override seed_everything', parseSeed);
  addArrayOptions(command).action(async (configPath: string, opts: ArrayCliOptions & { out?: string; maxEpochs?: number; seed?: number }) => {
    const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs, seed: opts.seed } });
    const size = ensembleSize(config);
    const outDir = studyDir(opts.out, config.name ?? 'ensemble');
    await runStudyArray(
      {
        command: ['train'],
        name: 'ensemble',
        args: [existing(configPath, 'config'), ...trainOverrideArgs(opts)],
        step: '--member',
        count: size,
        remaining: () => unfinishedMembers(outDir, size),
        outDir,
        summary: `task I (from 1) trains member I of ${size} into members/member-I`,
      },
      opts,
    );
  });
}

export function registerSlurm(program: Command): void {
  const slurm = program
    .command('slurm')
    .description('run predict, sweep, compare, bench or an ensemble as a Slurm job array with a report step; --submit submits and follows it');
  registerPredictArray(slurm);
  registerSweepArray(slurm);
  registerCompareArray(slurm);
  registerBenchArray(slurm);
  registerEnsembleArray(slurm);
}
