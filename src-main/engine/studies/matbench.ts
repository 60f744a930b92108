/**
 * Matbench's protocol (Dunn et al., npj Comput. Mater. 6, 138, 2020) for a Crucible config: five
 * folds from `KFold(5, shuffle=True, random_state=18012019)`, train on four (10 % of them held out
 * for early stopping), score the fifth, report the mean test MAE beside the leaderboard. Folds run
 * in worker threads, two at a time on a two-core machine.
 */
import { join } from 'node:path';
import type { ResolvedRunConfig } from '../config/types';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import { runPool } from '../jobs/pool';
import { runInWorker } from '../jobs/run-in-worker';
import type { LoadedData, RunSummary, RunTrainingInput, TrainingEvent } from '../train/run-training';
import { kFoldTestIndices } from '../util/numpy-kfold';
import { Rng, deriveSeed } from '../util/random';
import type { StudyRun } from './study-runs';

export const MATBENCH_SEED = 18012019;

export interface MatbenchTask {
  /** The task in the config that Matbench scores. */
  task: string;
  /** Published mean MAEs (Matbench v0.1 leaderboard), for comparison. */
  leaderboard: Array<{ model: string; mae: number }>;
}

export const MATBENCH_TASKS: Record<string, MatbenchTask> = {
  expt_gap: {
    task: 'band_gap',
    leaderboard: [
      { model: 'RF (matminer, Magpie)', mae: 0.446 },
      { model: 'MODNet', mae: 0.333 },
    ],
  },
};

export interface MatbenchResult {
  folds: Array<{ fold: number; mae: number; runDir: string; epochs: number }>;
  meanMae: number;
  stdMae: number;
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

function matbenchSpec(name: string): MatbenchTask {
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
export function matbenchRunInput(config: ResolvedRunConfig, data: LoadedData, run: MatbenchRun): RunTrainingInput {
  if (data.set.report.droppedRows.length > 0) {
    throw new CrucibleError('bad-input', `${data.set.report.droppedRows.length} rows could not be featurized; Matbench folds need every row.`);
  }
  const testRows = kFoldTestIndices(data.set.n, 5, MATBENCH_SEED)[run.fold];
  return { config, data: { ...data, set: { ...data.set, split: foldSplit(data.set.n, testRows, config.seed, run.fold) } }, runDir: run.runDir };
}

/** The folds' test MAEs, their mean and spread, from the runs' summaries in fold order. */
export function summarizeMatbench(name: string, summaries: readonly RunSummary[]): MatbenchResult {
  const spec = matbenchSpec(name);
  const results = summaries.map((s, f) => {
    const mae = s.metrics?.tasks[spec.task]?.test.mae;
    if (mae === undefined) throw new CrucibleError('internal', `Fold ${f + 1} produced no test MAE for "${spec.task}".`);
    return { fold: f + 1, mae, runDir: s.runDir, epochs: s.epochsRun };
  });
  const maes = results.map((r) => r.mae);
  const meanMae = maes.reduce((a, b) => a + b, 0) / maes.length;
  const stdMae = Math.sqrt(maes.reduce((a, b) => a + (b - meanMae) ** 2, 0) / maes.length);
  return { folds: results, meanMae, stdMae };
}

export async function runMatbench(
  name: string,
  config: ResolvedRunConfig,
  data: LoadedData,
  opts: { outDir: string; concurrency?: number; onEvent?: (fold: number, e: TrainingEvent) => void; folds?: number },
): Promise<MatbenchResult> {
  const runs = matbenchRuns(name, opts);
  const inputs = runs.map((run) => matbenchRunInput(config, data, run));
  const summaries = await runPool(runs, (run, f): Promise<RunSummary> => runInWorker('train', inputs[f], (e) => opts.onEvent?.(run.fold, e)), opts.concurrency);
  return summarizeMatbench(name, summaries);
}
