/**
 * `crucible train [CONFIG]`: one training run with a progress bar, writing a run folder. Without a config it trains
 * the project's mapped tasks with its saved settings, through the same project-run module as the app's Train page.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type ResolvedRunConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { CrucibleError } from '../../engine/errors';
import type { BackendRequest } from '../../engine/model/backend';
import { openProject, type Project } from '../../engine/project/index';
import { loadProjectRun, planProjectRun, projectTrainSettings, readProjectTables } from '../../engine/project-run/index';
import { loadInitSource } from '../../engine/train/init-from';
import { createRunDir } from '../../engine/train/run-dir';
import type { LoadedData, RunTrainingInput, TrainingEvent } from '../../engine/train/run-training';
import type { JobContext } from '../../engine/jobs/job';
import { collectEnsemble, trainEnsembleMember } from '../../engine/studies/ensemble/train-ensemble';
import { trainJob } from '../../engine/studies/train-job';
import { parseBackend, parsePositiveInt, parseSeed } from '../options';
import { trainingProgress } from '../progress';

interface TrainOptions {
  project?: string;
  out?: string;
  maxEpochs?: number;
  seed?: number;
  backend?: BackendRequest;
  resume?: boolean;
  initFrom?: string;
  member?: number;
  collect?: boolean;
}

/** Refuses ensemble step options that cannot work, before any data is loaded. */
function checkEnsembleSteps(opts: TrainOptions): void {
  if (opts.member !== undefined && opts.collect)
    throw new CrucibleError('bad-input', '--member and --collect are two steps: give one of them.', {
      hint: 'Train each member with --member K, then combine them once with --collect.',
    });
  if ((opts.member !== undefined || opts.collect) && !opts.out)
    throw new CrucibleError('bad-input', `--${opts.collect ? 'collect' : 'member'} needs --out: the ensemble's folder, the same for every step.`, {
      hint: 'Give every step the same --out DIR.',
    });
}

/** The overrides again as arguments, for the steps of a job array (`crucible slurm ensemble`). */
export function trainOverrideArgs(opts: Pick<TrainOptions, 'maxEpochs' | 'seed' | 'backend'>): string[] {
  return [
    ...(opts.maxEpochs ? ['--max-epochs', String(opts.maxEpochs)] : []),
    ...(opts.seed !== undefined ? ['--seed', String(opts.seed)] : []),
    ...(opts.backend ? ['--backend', opts.backend] : []),
  ];
}

/** Trains member k alone, with epoch lines on stderr and the member's folder on stdout. */
async function trainMemberStep(input: RunTrainingInput, k: number, ctx: JobContext<TrainingEvent>, progress: { stop(): void }): Promise<void> {
  const { runDir, summary } = await trainEnsembleMember(input, k, ctx);
  progress.stop();
  if (summary?.cancelled)
    throw new CrucibleError('cancelled', `Member ${k} stopped after epoch ${summary.epochsRun}.`, {
      hint: 'Run the same step again: it resumes from the last checkpoint.',
    });
  process.stderr.write(summary ? `Member ${k} done after ${summary.epochsRun} epochs.\n` : `Member ${k} had finished before; kept.\n`);
  process.stdout.write(`${runDir}\n`);
}

interface PreparedRun {
  config: ResolvedRunConfig;
  data: LoadedData;
  runDir: string;
}

async function prepareFromConfig(configPath: string, project: Project | undefined, opts: TrainOptions): Promise<PreparedRun> {
  const config = await loadConfig(configPath, {
    overrides: { maxEpochs: opts.maxEpochs, seed: opts.seed, backend: opts.backend },
    projectTables: project?.tables.map((t) => t.name),
    onNotice: (n) => process.stderr.write(`note: ${n.message}\n`),
  });
  const runDir = opts.out ? resolve(opts.out) : createRunDir(project?.runsDir ?? resolve('runs'), config.name ?? 'run');
  process.stderr.write(`Loading data…\n`);
  return { config, data: await loadRunData(config, { project }), runDir };
}

/** The project's enabled tasks with its saved settings; the options given override those settings for this run only. */
async function prepareFromProject(project: Project, opts: TrainOptions): Promise<PreparedRun> {
  const saved = projectTrainSettings(project);
  const settings = { ...saved, maxEpochs: opts.maxEpochs ?? saved.maxEpochs, seed: opts.seed ?? saved.seed, backend: opts.backend ?? saved.backend };
  const plan = await planProjectRun(project, await readProjectTables(project), { settings });
  const runDir = opts.out ? resolve(opts.out) : createRunDir(project.runsDir, plan.runName);
  const tables = [...new Set(plan.tasks.map((t) => `"${t.table}"`))];
  const from = tables.length === 1 ? `table ${tables[0]}` : `tables ${tables.join(' and ')}, joined by material`;
  process.stderr.write(`Training ${plan.tasks.map((t) => t.name).join(', ')} from ${from}. Loading data…\n`);
  const { config, data } = await loadProjectRun(project, plan);
  return { config, data, runDir };
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("train a multi-task model from a YAML config (the seed project's layout is accepted), or a project's mapped tasks")
    .argument('[config]', "run configuration (YAML); without it, --project's enabled tasks with its saved training settings")
    .option('--project <dir>', 'project whose tables the config may name, and where the run is kept')
    .option('--out <run-dir>', 'run folder (default: <project>/runs/<name>-<time>, or ./runs/… without a project)')
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--seed <s>', 'override seed_everything', parseSeed)
    .option('--backend <b>', 'auto | tensorflow | wasm | cpu', parseBackend)
    .option('--resume', 'continue the run in --out from its last checkpoint', false)
    .option('--init-from <run-or-checkpoint>', 'start from a trained model: its encoder and matching heads are loaded, new tasks get new heads')
    .option(
      '--member <k>',
      "an ensemble's member K alone (from 1) into --out/members/member-K; a finished one is kept, an interrupted one resumes",
      parsePositiveInt,
    )
    .option('--collect', "combine the finished members in --out into the ensemble's metrics and predictions, training nothing")
    .action(async (configPath: string | undefined, opts: TrainOptions) => {
      checkEnsembleSteps(opts);
      const project = opts.project ? await openProject(opts.project) : undefined;
      let prepared: PreparedRun;
      if (configPath !== undefined) prepared = await prepareFromConfig(configPath, project, opts);
      else if (project) prepared = await prepareFromProject(project, opts);
      else {
        throw new CrucibleError('bad-input', 'Nothing to train: give a run configuration or a project.', {
          hint: 'Run `crucible train CONFIG.yaml`, or `crucible train --project DIR` for the tasks mapped on its Tasks page.',
        });
      }
      const { config, data, runDir } = prepared;
      const initFrom = opts.initFrom ? await loadInitSource(opts.initFrom, { project }) : undefined;
      const progress = trainingProgress();
      const controller = new AbortController();
      process.once('SIGINT', () => {
        process.stderr.write('\nStopping after this batch (Ctrl+C again to kill)…\n');
        controller.abort();
      });
      // Slurm ends a task past its time limit with SIGTERM: stopping cleanly fails the step, and running it again resumes.
      if (opts.member !== undefined) process.once('SIGTERM', () => controller.abort());
      const input: RunTrainingInput = { config, data, runDir, resume: opts.resume, initFrom };
      const ctx = { emit: progress.onEvent, signal: controller.signal };
      try {
        if (opts.member !== undefined) return await trainMemberStep(input, opts.member, ctx, progress);
        const summary = await (opts.collect ? collectEnsemble(input, ctx) : trainJob(input, ctx));
        progress.stop();
        process.stdout.write(`${summary.runDir}\n`);
        if (summary.metrics) {
          for (const [task, m] of Object.entries(summary.metrics.tasks)) {
            const shown = Object.entries(m.test)
              .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
              .join(', ');
            process.stderr.write(`  ${task} (${m.type}) test: ${shown || 'no labelled test rows'}\n`);
            const iv = m.interval;
            if (iv)
              process.stderr.write(
                `    ${Math.round(iv.coverage * 100)} % intervals: ${(iv.test_coverage * 100).toFixed(1)} % of ${iv.test_rows} test rows inside, mean width ${iv.mean_width.toPrecision(4)}\n`,
              );
          }
        }
        const forgetting = summary.metrics?.forgetting;
        if (forgetting && 'tasks' in forgetting) {
          for (const [task, metrics] of Object.entries(forgetting.tasks)) {
            const shown = Object.entries(metrics)
              .map(([k, v]) => `${k} ${v.before.toPrecision(4)} → ${v.after.toPrecision(4)}`)
              .join(', ');
            process.stderr.write(`  forgetting, ${task}: ${shown}\n`);
          }
        } else if (forgetting) process.stderr.write(`  ${forgetting.note}\n`);
        if (summary.cancelled) process.stderr.write('Cancelled; resume with --resume --out ' + summary.runDir + '\n');
      } finally {
        progress.stop();
      }
    });
}
