/**
 * Data-scaling studies (the seed README's "scaling law" recipe): the same config trained with one
 * task's training labels cut to fractions f (its `task_masking_ratios` keep-ratio; other tasks and
 * the split untouched), over several seeds, run two at a time in worker threads. Produces the table
 * of every run and the learning curve (labelled training rows → test error) for a log-log plot.
 */
import { join } from 'node:path';
import type { ResolvedRunConfig } from '../config/types';
import { SPLIT_TRAIN } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import { runPool } from '../jobs/pool';
import { runInWorker } from '../jobs/run-in-worker';
import type { LoadedData, RunSummary, RunTrainingInput, TrainingEvent } from '../train/run-training';
import { toCsv } from '../util/csv-writer';
import type { StudyRun } from './study-runs';

export interface SweepPoint {
  fraction: number;
  seed: number;
  /** Labelled training rows of the swept task at this fraction. */
  trainRows: number;
  runDir: string;
  summary: RunSummary;
}

export interface SweepResult {
  task: string;
  /** The error metric of the learning curve: MAE, or 1 − accuracy for classification. */
  metric: string;
  points: SweepPoint[];
  curve: Array<{ fraction: number; trainRows: number; mean: number; std: number; runs: number }>;
}

export function parseFractions(text: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !(v > 0 && v <= 1))) {
    throw new CrucibleError('bad-input', `Fractions must be numbers in (0, 1], e.g. 1,0.5,0.2,0.1; got "${text}".`);
  }
  return [...new Set(values)].sort((a, b) => b - a);
}

function errorOf(summary: RunSummary, task: string, kind: string): number | undefined {
  const test = summary.metrics?.tasks[task]?.test;
  if (!test) return undefined;
  return kind === 'classification' ? (test.accuracy === undefined ? undefined : 1 - test.accuracy) : test.mae;
}

/** One run of a sweep: a fraction of the task's training labels, with one seed. */
export interface SweepRun extends StudyRun {
  fraction: number;
  seed: number;
}

export interface SweepOptions {
  task: string;
  fractions: number[];
  seeds: number;
  outDir: string;
}

function configTask(config: ResolvedRunConfig, name: string) {
  const task = config.tasks.find((t) => t.name === name && t.enabled);
  if (!task)
    throw new CrucibleError('bad-input', `The config has no enabled task "${name}".`, { hint: `Tasks: ${config.tasks.map((t) => t.name).join(', ')}.` });
  return task;
}

/** The sweep's runs in the order of its table (fraction by fraction, the seeds within), each with its run folder. */
export function sweepRuns(config: ResolvedRunConfig, opts: SweepOptions): SweepRun[] {
  configTask(config, opts.task);
  return opts.fractions.flatMap((fraction) =>
    Array.from({ length: opts.seeds }, (_, s) => {
      const seed = config.seed + s;
      return { fraction, seed, label: `fraction ${fraction}, seed ${seed}`, runDir: join(opts.outDir, `f${fraction}-seed${seed}`) };
    }),
  );
}

function sweptTask(config: ResolvedRunConfig, data: LoadedData, name: string) {
  const task = configTask(config, name);
  const taskData = data.set.tasks.find((t) => t.name === name);
  if (!taskData) throw new CrucibleError('internal', `The data of task "${name}" was not loaded.`);
  return { task, taskData };
}

/** The training of one run: the config with the swept task's labels cut to the run's fraction, under the run's seed. */
export function sweepRunInput(config: ResolvedRunConfig, data: LoadedData, task: string, run: SweepRun): RunTrainingInput {
  sweptTask(config, data, task);
  const cfg: ResolvedRunConfig = { ...config, seed: run.seed, tasks: config.tasks.map((t) => (t.name === task ? { ...t, maskingRatio: run.fraction } : t)) };
  return { config: cfg, data, runDir: run.runDir };
}

/** The table and the learning curve from the runs' summaries, in the order of {@link sweepRuns}. */
export function summarizeSweep(
  config: ResolvedRunConfig,
  data: LoadedData,
  opts: Pick<SweepOptions, 'task' | 'fractions'>,
  runs: readonly SweepRun[],
  summaries: readonly RunSummary[],
): SweepResult {
  const { task, taskData } = sweptTask(config, data, opts.task);
  let labelledTrain = 0;
  for (let r = 0; r < data.set.n; r++) if (data.set.split[r] === SPLIT_TRAIN && taskData.valid[r]) labelledTrain++;
  const points = runs.map((g, i) => ({
    fraction: g.fraction,
    seed: g.seed,
    trainRows: Math.round(labelledTrain * g.fraction),
    runDir: summaries[i].runDir,
    summary: summaries[i],
  }));
  const curve = opts.fractions.map((fraction) => {
    const errors = points
      .filter((p) => p.fraction === fraction)
      .map((p) => errorOf(p.summary, task.name, task.kind))
      .filter((e): e is number => e !== undefined);
    const mean = errors.reduce((a, b) => a + b, 0) / Math.max(errors.length, 1);
    const std = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(errors.length, 1));
    return { fraction, trainRows: Math.round(labelledTrain * fraction), mean, std, runs: errors.length };
  });
  return { task: task.name, metric: task.kind === 'classification' ? '1-accuracy' : 'mae', points, curve };
}

export async function runSweep(
  config: ResolvedRunConfig,
  data: LoadedData,
  opts: SweepOptions & {
    concurrency?: number;
    onEvent?: (point: { fraction: number; seed: number }, e: TrainingEvent) => void;
  },
): Promise<SweepResult> {
  sweptTask(config, data, opts.task);
  const runs = sweepRuns(config, opts);
  const summaries = await runPool(
    runs,
    (run) => runInWorker('train', sweepRunInput(config, data, opts.task, run), (e) => opts.onEvent?.(run, e)),
    opts.concurrency,
  );
  return summarizeSweep(config, data, opts, runs, summaries);
}

/** Every run: fraction, seed, labelled rows, then val and test metrics of every task. */
export function sweepTableCsv(result: SweepResult): string {
  const keys: string[] = [];
  const rows = result.points.map((p) => {
    const values: Record<string, number> = {};
    for (const [task, m] of Object.entries(p.summary.metrics?.tasks ?? {})) {
      for (const [k, v] of Object.entries(m.val)) values[`val_${task}_${k}`] = v;
      for (const [k, v] of Object.entries(m.test)) values[`test_${task}_${k}`] = v;
    }
    for (const k of Object.keys(values)) if (!keys.includes(k)) keys.push(k);
    return { p, values };
  });
  return toCsv(
    ['fraction', 'seed', 'train_rows', ...keys],
    rows.map(({ p, values }) => [p.fraction, p.seed, p.trainRows, ...keys.map((k) => values[k])]),
  );
}

/** The learning curve with log10 columns, ready for a log-log plot. */
export function learningCurveCsv(result: SweepResult): string {
  return toCsv(
    ['fraction', 'train_rows', `test_${result.metric}_mean`, `test_${result.metric}_std`, 'runs', 'log10_train_rows', `log10_test_${result.metric}`],
    result.curve.map((c) => [c.fraction, c.trainRows, c.mean, c.std, c.runs, Math.log10(c.trainRows), Math.log10(c.mean)]),
  );
}
