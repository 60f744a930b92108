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
import type { LoadedData, RunSummary, TrainingEvent } from '../train/run-training';
import { toCsv } from '../util/csv-writer';

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

export async function runSweep(
  config: ResolvedRunConfig,
  data: LoadedData,
  opts: {
    task: string;
    fractions: number[];
    seeds: number;
    outDir: string;
    concurrency?: number;
    onEvent?: (point: { fraction: number; seed: number }, e: TrainingEvent) => void;
  },
): Promise<SweepResult> {
  const task = config.tasks.find((t) => t.name === opts.task && t.enabled);
  const taskData = data.set.tasks.find((t) => t.name === opts.task);
  if (!task || !taskData) {
    throw new CrucibleError('bad-input', `The config has no enabled task "${opts.task}".`, { hint: `Tasks: ${config.tasks.map((t) => t.name).join(', ')}.` });
  }
  let labelledTrain = 0;
  for (let r = 0; r < data.set.n; r++) if (data.set.split[r] === SPLIT_TRAIN && taskData.valid[r]) labelledTrain++;
  const grid = opts.fractions.flatMap((fraction) => Array.from({ length: opts.seeds }, (_, s) => ({ fraction, seed: config.seed + s })));
  const summaries = await runPool(
    grid,
    ({ fraction, seed }) => {
      const cfg: ResolvedRunConfig = { ...config, seed, tasks: config.tasks.map((t) => (t.name === task.name ? { ...t, maskingRatio: fraction } : t)) };
      return runInWorker('train', { config: cfg, data, runDir: join(opts.outDir, `f${fraction}-seed${seed}`) }, (e) => opts.onEvent?.({ fraction, seed }, e));
    },
    opts.concurrency,
  );
  const points = grid.map((g, i) => ({ ...g, trainRows: Math.round(labelledTrain * g.fraction), runDir: summaries[i].runDir, summary: summaries[i] }));
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
