/**
 * Matbench's protocol (Dunn et al., npj Comput. Mater. 6, 138, 2020) for a Crucible config: five
 * folds from `KFold(5, shuffle=True, random_state=18012019)` (`StratifiedKFold` for classification
 * tasks, as Matbench does), train on four (10 % of them held out for early stopping), score the
 * fifth (MAE, or ROC-AUC for classification), report the mean beside the leaderboard. Folds run in
 * worker threads, two at a time on a two-core machine.
 */
import { join } from 'node:path';
import type { ResolvedRunConfig } from '../config/types';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import { runPool } from '../jobs/pool';
import { runInWorker } from '../jobs/run-in-worker';
import type { LoadedData, RunSummary, RunTrainingInput, TrainingEvent } from '../train/run-training';
import { kFoldTestIndices, stratifiedKFoldTestIndices } from '../util/numpy-kfold';
import { Rng, deriveSeed } from '../util/random';
import type { StudyRun } from './study-runs';

export const MATBENCH_SEED = 18012019;

export interface MatbenchTask {
  /** The task in the config that Matbench scores. */
  task: string;
  /** Matbench's ranking metric: MAE for regression, ROC-AUC (stratified folds) for classification. */
  metric: 'mae' | 'roc_auc';
  /** Published mean scores (Matbench v0.1 per-task leaderboards), for comparison. */
  leaderboard: Array<{ model: string; score: number }>;
}

export const MATBENCH_TASKS: Record<string, MatbenchTask> = {
  expt_gap: {
    task: 'band_gap',
    metric: 'mae',
    leaderboard: [
      { model: 'RF (matminer, Magpie)', score: 0.446 },
      { model: 'MODNet v0.1.12', score: 0.3327 },
    ],
  },
  steels: {
    task: 'yield_strength',
    metric: 'mae',
    leaderboard: [
      { model: 'TPOT-Mat', score: 79.95 },
      { model: 'AutoML-Mat', score: 82.3 },
      { model: 'MODNet v0.1.12', score: 87.76 },
    ],
  },
  glass: {
    task: 'gfa',
    metric: 'roc_auc',
    leaderboard: [
      { model: 'MODNet v0.1.12', score: 0.9603 },
      { model: 'AMMExpress v2020', score: 0.8607 },
      { model: 'RF-SCM/Magpie', score: 0.8587 },
    ],
  },
};

export const MATBENCH_METRIC_NAMES: Record<MatbenchTask['metric'], string> = { mae: 'MAE', roc_auc: 'ROC-AUC' };

export interface MatbenchResult {
  metric: MatbenchTask['metric'];
  folds: Array<{ fold: number; score: number; runDir: string; epochs: number }>;
  meanScore: number;
  stdScore: number;
}

/** The split of fold `f`: its test rows, 10 % of the rest (seeded) for validation, the others for training. */
export function foldSplit(n: number, testRows: Uint32Array, seed: number, fold: number): Uint8Array {
  const split = new Uint8Array(n).fill(SPLIT_TRAIN);
  for (const r of testRows) split[r] = SPLIT_TEST;
  const rest = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => split[i] !== SPLIT_TEST);
  new Rng(deriveSeed(seed, 'matbench-val', fold)).shuffle(rest);
  for (const r of rest.subarray(0, Math.round(rest.length * 0.1))) split[r] = SPLIT_VAL;
  return split;
}

/** The spec of the Matbench task `name`; throws CrucibleError('not-found') for unknown names. */
export function matbenchSpec(name: string): MatbenchTask {
  const spec = MATBENCH_TASKS[name];
  if (!spec) throw new CrucibleError('not-found', `No Matbench task "${name}".`, { hint: `Known: ${Object.keys(MATBENCH_TASKS).join(', ')}.` });
  return spec;
}

/** One fold of the protocol (from 0), trained in `<outDir>/fold-<fold + 1>`. */
export interface MatbenchRun extends StudyRun {
  fold: number;
}

/** The protocol's runs in fold order (the first `folds` of five). */
export function matbenchRuns(name: string, opts: { outDir: string; folds?: number }): MatbenchRun[] {
  matbenchSpec(name);
  return Array.from({ length: Math.min(opts.folds ?? 5, 5) }, (_, fold) => ({
    fold,
    label: `fold ${fold + 1}`,
    runDir: join(opts.outDir, `fold-${fold + 1}`),
  }));
}

/** The training of one fold: the config on the fold's split. */
/** The five folds' test rows: stratified on the scored task's labels for classification, as Matbench. */
function matbenchFolds(spec: MatbenchTask, data: LoadedData): Uint32Array[] {
  if (spec.metric === 'mae') return kFoldTestIndices(data.set.n, 5, MATBENCH_SEED);
  const task = data.set.tasks.find((t) => t.name === spec.task);
  if (!task)
    throw new CrucibleError('bad-config', `The config has no task "${spec.task}", which Matbench scores.`, {
      hint: `Name the classification task "${spec.task}".`,
    });
  return stratifiedKFoldTestIndices(task.targets, 5, MATBENCH_SEED);
}

export function matbenchRunInput(name: string, config: ResolvedRunConfig, data: LoadedData, run: MatbenchRun): RunTrainingInput {
  if (data.set.report.droppedRows.length > 0) {
    throw new CrucibleError('bad-input', `${data.set.report.droppedRows.length} rows could not be featurized; Matbench folds need every row.`);
  }
  const testRows = matbenchFolds(matbenchSpec(name), data)[run.fold];
  return { config, data: { ...data, set: { ...data.set, split: foldSplit(data.set.n, testRows, config.seed, run.fold) } }, runDir: run.runDir };
}

/** The folds' test scores, their mean and spread, from the runs' summaries in fold order. */
export function summarizeMatbench(name: string, summaries: readonly RunSummary[]): MatbenchResult {
  const spec = matbenchSpec(name);
  const folds = summaries.map((s, f) => {
    const score = s.metrics?.tasks[spec.task]?.test[spec.metric];
    if (score === undefined || score === null) {
      throw new CrucibleError('internal', `Fold ${f + 1} produced no test ${MATBENCH_METRIC_NAMES[spec.metric]} for "${spec.task}".`);
    }
    return { fold: f + 1, score, runDir: s.runDir, epochs: s.epochsRun };
  });
  const scores = folds.map((r) => r.score);
  const meanScore = scores.reduce((a, b) => a + b, 0) / scores.length;
  const stdScore = Math.sqrt(scores.reduce((a, b) => a + (b - meanScore) ** 2, 0) / scores.length);
  return { metric: spec.metric, folds, meanScore, stdScore };
}

export async function runMatbench(
  name: string,
  config: ResolvedRunConfig,
  data: LoadedData,
  opts: { outDir: string; concurrency?: number; onEvent?: (fold: number, e: TrainingEvent) => void; folds?: number },
): Promise<MatbenchResult> {
  const runs = matbenchRuns(name, opts);
  const inputs = runs.map((run) => matbenchRunInput(name, config, data, run));
  const summaries = await runPool(runs, (run, f): Promise<RunSummary> => runInWorker('train', inputs[f], (e) => opts.onEvent?.(run.fold, e)), opts.concurrency);
  return summarizeMatbench(name, summaries);
}
