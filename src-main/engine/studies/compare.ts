/**
 * The multi-task gain report: the multi-task model under several loss-weighting strategies against one
 * single-task model per task (same architecture, split, epochs and early stopping), over several seeds,
 * run two at a time in worker threads; per task the test metric, the relative gain and negative
 * transfer flagged.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedRunConfig } from '../config/types';
import type { TaskKind } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import { runPool } from '../jobs/pool';
import { runInWorker } from '../jobs/run-in-worker';
import type { MetricName } from '../train/metrics';
import type { LoadedData, RunAnalysis, RunSummary, RunTrainingInput, TrainingEvent } from '../train/run-training';
import { weightingStrategy, weightings } from '../train/weighting/index';
import { toCsv } from '../util/csv-writer';
import type { AffinityOptions } from '../analysis/affinity';
import { metricHigherIsBetter, studyMetric, testMetric, trainedTasks, withTasks, type RunPlan } from './run-plans';
import type { StudyRun } from './study-runs';
import type { WeightingConfig } from '../config/schema';

export const DEFAULT_COMPARE_STRATEGIES = ['static', 'uncertainty', 'gradnorm', 'dwa', 'pcgrad'];

/** Strategy ids from a comma-separated list, each checked against the weighting registry. */
export function parseStrategies(text: string): string[] {
  const ids = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = ids.filter((id) => !weightingStrategy(id));
  if (ids.length === 0 || unknown.length > 0) {
    throw new CrucibleError('bad-input', ids.length === 0 ? 'No strategy was given.' : `Unknown loss weighting "${unknown[0]}".`, {
      hint: `Give a comma-separated list of: ${Object.keys(weightings).join(', ')}.`,
    });
  }
  return ids;
}

/** One training run of the study. */
export interface CompareRun {
  /** 'mtl-<strategy>' or 'stl-<task>'. */
  name: string;
  seed: number;
  runDir: string;
  summary: RunSummary;
}

/** A metric over seeds; `std` is the sample standard deviation (null with fewer than two values). */
export interface SeedStats {
  values: number[];
  mean: number | null;
  std: number | null;
}

export interface StrategyComparison extends SeedStats {
  /** 100·(MTL − STL)/|STL| for higher-is-better metrics, 100·(STL − MTL)/|STL| otherwise: positive = multi-task helps. */
  gainPct: number | null;
  /** See {@link isNegativeTransfer}. */
  negativeTransfer: boolean;
}

export interface TaskComparison {
  task: string;
  kind: TaskKind;
  metric: MetricName;
  higherIsBetter: boolean;
  stl: SeedStats;
  /** By strategy id, in the study's order. */
  strategies: Record<string, StrategyComparison>;
}

/** What `crucible compare` writes as compare.json, and the UI's strategy-comparison bars read. */
export interface CompareReport {
  strategies: string[];
  seeds: number[];
  tasks: TaskComparison[];
  runs: Array<Omit<CompareRun, 'summary'>>;
}

export function seedStats(values: number[]): SeedStats {
  if (values.length === 0) return { values, mean: null, std: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : null;
  return { values, mean, std };
}

/**
 * Negative transfer: the multi-task mean is worse than the single-task mean by more than the seed noise,
 * taken as the pooled standard deviation √((s²_STL + s²_MTL)/2) of the two sets of seeds (0 with one
 * seed each, when any loss counts).
 */
export function isNegativeTransfer(stl: SeedStats, mtl: SeedStats, higherIsBetter: boolean): boolean {
  if (stl.mean === null || mtl.mean === null) return false;
  const pooled = Math.sqrt(((stl.std ?? 0) ** 2 + (mtl.std ?? 0) ** 2) / 2);
  const worseBy = higherIsBetter ? stl.mean - mtl.mean : mtl.mean - stl.mean;
  return worseBy > pooled;
}

/** The per-task comparison from finished runs (names as in {@link CompareRun}). */
export function summarizeCompare(
  tasks: readonly { name: string; kind: TaskKind }[],
  strategies: readonly string[],
  runs: readonly CompareRun[],
): TaskComparison[] {
  return tasks.map(({ name, kind }) => {
    const metric = studyMetric(kind);
    const higherIsBetter = metricHigherIsBetter(metric);
    const valuesOf = (runName: string) => runs.filter((r) => r.name === runName).flatMap((r) => testMetric(r.summary, name, metric) ?? []);
    const stl = seedStats(valuesOf(`stl-${name}`));
    const perStrategy = strategies.map((s): [string, StrategyComparison] => {
      const mtl = seedStats(valuesOf(`mtl-${s}`));
      const gainPct =
        stl.mean === null || mtl.mean === null || stl.mean === 0
          ? null
          : (100 * (higherIsBetter ? mtl.mean - stl.mean : stl.mean - mtl.mean)) / Math.abs(stl.mean);
      return [s, { ...mtl, gainPct, negativeTransfer: isNegativeTransfer(stl, mtl, higherIsBetter) }];
    });
    return { task: name, kind, metric, higherIsBetter, stl, strategies: Object.fromEntries(perStrategy) };
  });
}

export interface CompareOptions {
  strategies: string[];
  /** Seeds per model: config.seed, config.seed + 1, …. */
  seeds: number;
  outDir: string;
  /** Record task affinity (affinity.json) in the multi-task runs. */
  affinity?: Partial<AffinityOptions>;
  concurrency?: number;
  onEvent?: (run: { name: string; seed: number }, e: TrainingEvent) => void;
}

/** One run of a comparison: a multi-task strategy or a single-task baseline, with one seed. */
export interface CompareGridRun extends StudyRun {
  name: string;
  seed: number;
  /** The trained tasks and their loss weights, under `weighting`. */
  weights: ReadonlyMap<string, number>;
  weighting: WeightingConfig;
  analysis?: RunAnalysis;
}

function comparedTasks(config: ResolvedRunConfig) {
  const tasks = trainedTasks(config);
  if (tasks.length < 2)
    throw new CrucibleError('bad-input', 'Comparing multi-task with single-task models needs at least two trained tasks.', {
      hint: 'Enable a second task with a loss weight above 0.',
    });
  return tasks;
}

/**
 * The study's runs in order: every multi-task strategy, then one single-task model per task (static weighting: one
 * task, its loss), each over the seeds, in run folders `<outDir>/<name>-seed<seed>`.
 */
export function compareRuns(config: ResolvedRunConfig, opts: Omit<CompareOptions, 'concurrency' | 'onEvent'>): CompareGridRun[] {
  const tasks = comparedTasks(config);
  const seeds = Array.from({ length: opts.seeds }, (_, s) => config.seed + s);
  const allWeights = new Map(tasks.map((t) => [t.name, t.weight]));
  const plans: Array<Omit<CompareGridRun, 'seed' | 'label' | 'runDir'>> = [
    ...opts.strategies.map((s) => ({
      name: `mtl-${s}`,
      weights: allWeights,
      // The config's own options apply when it names this strategy; otherwise the strategy's defaults.
      weighting: { strategy: s, options: config.weighting.strategy === s ? config.weighting.options : {} },
      analysis: opts.affinity ? { affinity: opts.affinity } : undefined,
    })),
    ...tasks.map((t) => ({ name: `stl-${t.name}`, weights: new Map([[t.name, 1]]), weighting: { strategy: 'static', options: {} } })),
  ];
  return plans.flatMap((plan) =>
    seeds.map((seed) => ({ ...plan, seed, label: `${plan.name}, seed ${seed}`, runDir: join(opts.outDir, `${plan.name}-seed${seed}`) })),
  );
}

/** The training of one run of the comparison. */
export function compareRunInput(config: ResolvedRunConfig, data: LoadedData, run: CompareGridRun): RunTrainingInput {
  const plan: RunPlan = withTasks(config, data, run.weights, run.weighting);
  return { config: { ...plan.config, seed: run.seed }, data: plan.data, runDir: run.runDir, analysis: run.analysis };
}

/** The report from the runs' summaries (in the order of {@link compareRuns}), written as compare.csv and compare.json into `outDir`. */
export async function finishCompare(
  config: ResolvedRunConfig,
  opts: Pick<CompareOptions, 'strategies' | 'seeds' | 'outDir'>,
  grid: readonly CompareGridRun[],
  summaries: readonly RunSummary[],
): Promise<CompareReport> {
  const runs = grid.map((g, i) => ({ name: g.name, seed: g.seed, runDir: summaries[i].runDir, summary: summaries[i] }));
  const report: CompareReport = {
    strategies: opts.strategies,
    seeds: Array.from({ length: opts.seeds }, (_, s) => config.seed + s),
    tasks: summarizeCompare(comparedTasks(config), opts.strategies, runs),
    runs: runs.map(({ summary: _, ...run }) => run),
  };
  await writeFile(join(opts.outDir, 'compare.csv'), compareTableCsv(report));
  await writeFile(join(opts.outDir, 'compare.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Trains every run of {@link compareRuns}, two at a time in worker threads, and writes the report. */
export async function runCompare(config: ResolvedRunConfig, data: LoadedData, opts: CompareOptions): Promise<CompareReport> {
  const grid = compareRuns(config, opts);
  const summaries = await runPool(
    grid,
    (run) => runInWorker('train', compareRunInput(config, data, run), (e) => opts.onEvent?.({ name: run.name, seed: run.seed }, e)),
    opts.concurrency,
  );
  return finishCompare(config, opts, grid, summaries);
}

/**
 * One row per task: its metric, then `stl_<metric>` and `stl_<metric>_std`, then per strategy
 * `<strategy>_<metric>`, `<strategy>_<metric>_std`, `<strategy>_gain_pct` and `<strategy>_negative_transfer`
 * (1 or 0). When tasks use different metrics each gets its own columns, empty on the other rows.
 */
export function compareTableCsv(report: Pick<CompareReport, 'strategies' | 'tasks'>): string {
  const metrics = [...new Set(report.tasks.map((t) => t.metric))];
  const header = ['task', 'metric', 'seeds', ...metrics.flatMap((m) => [`stl_${m}`, `stl_${m}_std`])];
  for (const s of report.strategies) header.push(...metrics.flatMap((m) => [`${s}_${m}`, `${s}_${m}_std`]), `${s}_gain_pct`, `${s}_negative_transfer`);
  const rows = report.tasks.map((t) => {
    const cells = (stats: SeedStats) => metrics.flatMap((m) => (m === t.metric ? [stats.mean, stats.std] : [null, null]));
    const row = [t.task, t.metric, t.stl.values.length, ...cells(t.stl)];
    for (const s of report.strategies) {
      const c = t.strategies[s];
      row.push(...cells(c), c.gainPct, c.mean === null ? null : c.negativeTransfer ? 1 : 0);
    }
    return row;
  });
  return toCsv(header, rows);
}

/** A study's compare.json, for the UI's strategy-comparison bars. */
export async function readCompareReport(dir: string): Promise<CompareReport> {
  try {
    return JSON.parse(await readFile(join(dir, 'compare.json'), 'utf8')) as CompareReport;
  } catch {
    throw new CrucibleError('not-found', `${dir} has no compare.json.`, { hint: 'Run `crucible compare CONFIG --out DIR` first.' });
  }
}
