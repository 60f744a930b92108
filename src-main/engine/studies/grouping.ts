/**
 * Soft task grouping after STG-MTL (Sherif et al., arXiv 2307.03374): each task's data map becomes a
 * feature vector, fuzzy c-means puts the tasks into k groups with memberships, and (optionally) one
 * model per group trains every task with its loss weighted by its membership.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedRunConfig } from '../config/types';
import { CrucibleError } from '../errors';
import { runPool } from '../jobs/pool';
import { runInWorker } from '../jobs/run-in-worker';
import type { MetricName } from '../train/metrics';
import type { LoadedData, RunSummary, TrainingEvent } from '../train/run-training';
import { toCsv } from '../util/csv-writer';
import type { AffinityOptions } from '../analysis/affinity';
import { readDataMap, taskFeatures, type DataMap } from '../analysis/data-map';
import { FUZZY_DEFAULTS, fuzzyCluster, type FuzzyOptions } from '../analysis/fuzzy-cmeans';
import { studyMetric, testMetric, trainedTasks, withTasks } from './run-plans';

/** What the membership heatmap shows; written as grouping.json. */
export interface TaskGrouping {
  tasks: string[];
  k: number;
  m: number;
  method: FuzzyOptions['method'];
  /** memberships[task][group], each row summing to 1; groups are numbered by their first task. */
  memberships: number[][];
  /** Each group's tasks: those whose largest membership is in it. */
  groups: string[][];
}

export type GroupingOptions = Pick<FuzzyOptions, 'k'> & Partial<Omit<FuzzyOptions, 'k'>>;

/** Groups the data map's tasks (see {@link taskFeatures} and {@link fuzzyCluster}). */
export function groupTasks(map: DataMap, options: GroupingOptions): TaskGrouping {
  if (map.epochs.length === 0)
    throw new CrucibleError('bad-input', 'The data maps hold no epoch.', { hint: 'Train for at least one epoch with data maps on.' });
  const o: FuzzyOptions = {
    k: options.k,
    m: options.m ?? FUZZY_DEFAULTS.m,
    method: options.method ?? FUZZY_DEFAULTS.method,
    seed: options.seed ?? FUZZY_DEFAULTS.seed,
    restarts: options.restarts ?? FUZZY_DEFAULTS.restarts,
    maxIterations: options.maxIterations ?? FUZZY_DEFAULTS.maxIterations,
  };
  const clustering = fuzzyCluster(taskFeatures(map), o);
  return {
    tasks: [...map.tasks],
    k: o.k,
    m: o.m,
    method: o.method,
    memberships: clustering.memberships,
    groups: Array.from({ length: o.k }, (_, g) => map.tasks.filter((_, t) => clustering.labels[t] === g)),
  };
}

/** task, group_1 … group_k: the membership matrix as a table. */
export function membershipCsv(grouping: TaskGrouping): string {
  return toCsv(
    ['task', ...grouping.memberships[0].map((_, g) => `group_${g + 1}`)],
    grouping.tasks.map((t, i) => [t, ...grouping.memberships[i]]),
  );
}

/**
 * One run per group: the tasks whose membership reaches `minMembership`, each with static loss weight
 * (its configured weight) × (its membership) — STG-MTL's membership-weighted loss.
 */
export function groupPlans(config: ResolvedRunConfig, data: LoadedData, grouping: TaskGrouping, minMembership: number) {
  const weightOf = new Map(trainedTasks(config).map((t) => [t.name, t.weight]));
  return grouping.memberships[0].map((_, g) => {
    const weights = new Map(
      grouping.tasks.flatMap((t, i) =>
        grouping.memberships[i][g] >= minMembership ? [[t, weightOf.get(t)! * grouping.memberships[i][g]] as [string, number]] : [],
      ),
    );
    return { group: g, weights, ...withTasks(config, data, weights, { strategy: 'static', options: {} }) };
  });
}

export interface GroupStudyOptions extends GroupingOptions {
  outDir: string;
  /** Reuse this run folder's data maps (and its test metrics as the baseline) instead of training one. */
  fromRun?: string;
  /** Also record task affinity (affinity.json) in the all-task run. */
  affinity?: Partial<AffinityOptions>;
  /** Train one model per group. */
  train: boolean;
  /** Tasks below this membership are left out of a group's model (default 0.01). */
  minMembership?: number;
  concurrency?: number;
  onEvent?: (run: string, e: TrainingEvent) => void;
}

export interface GroupStudy {
  grouping: TaskGrouping;
  /** The multi-task run whose data maps were grouped. */
  mapRunDir: string;
  groupRuns: Array<{ group: number; weights: Record<string, number>; runDir: string; summary: RunSummary }>;
  /** Per task, with group runs: the test metric of the all-task model and of its own group's model. */
  tasks: Array<{ task: string; metric: MetricName; group: number; allTasks: number | null; grouped: number | null }>;
}

/**
 * Trains the multi-task model with data maps on (unless `fromRun`), groups the tasks, writes
 * grouping.json and memberships.csv into `outDir`, and with `train` trains the group models and writes
 * group_metrics.csv.
 */
export async function runGroupStudy(config: ResolvedRunConfig, data: LoadedData, opts: GroupStudyOptions): Promise<GroupStudy> {
  const tasks = trainedTasks(config).length;
  if (!Number.isInteger(opts.k) || opts.k < 1 || opts.k > tasks) {
    throw new CrucibleError('bad-input', `Asked for ${opts.k} groups, but the config trains ${tasks} tasks.`, {
      hint: `Use a whole number from 1 to ${tasks}.`,
    });
  }
  await mkdir(opts.outDir, { recursive: true });
  let mapRunDir = opts.fromRun;
  let baseline: RunSummary['metrics'] = null;
  if (mapRunDir === undefined) {
    const summary = await runInWorker(
      'train',
      { config, data, runDir: join(opts.outDir, 'all-tasks'), analysis: { dataMaps: true, affinity: opts.affinity } },
      (e) => opts.onEvent?.('all-tasks', e),
    );
    mapRunDir = summary.runDir;
    baseline = summary.metrics;
  } else {
    baseline = JSON.parse(await readFile(join(mapRunDir, 'metrics.json'), 'utf8').catch(() => 'null'));
  }
  const grouping = groupTasks(await readDataMap(mapRunDir), { k: opts.k, m: opts.m, method: opts.method, seed: opts.seed ?? config.seed });
  await writeFile(join(opts.outDir, 'grouping.json'), `${JSON.stringify(grouping, null, 2)}\n`);
  await writeFile(join(opts.outDir, 'memberships.csv'), membershipCsv(grouping));
  const study: GroupStudy = { grouping, mapRunDir, groupRuns: [], tasks: [] };
  if (!opts.train) return study;

  const plans = groupPlans(config, data, grouping, opts.minMembership ?? 0.01);
  const summaries = await runPool(
    plans,
    (p) =>
      runInWorker('train', { config: p.config, data: p.data, runDir: join(opts.outDir, `group-${p.group + 1}`) }, (e) =>
        opts.onEvent?.(`group-${p.group + 1}`, e),
      ),
    opts.concurrency,
  );
  study.groupRuns = plans.map((p, i) => ({ group: p.group, weights: Object.fromEntries(p.weights), runDir: summaries[i].runDir, summary: summaries[i] }));
  const kinds = new Map(trainedTasks(config).map((t) => [t.name, t.kind]));
  study.tasks = grouping.tasks.map((task, i) => {
    const metric = studyMetric(kinds.get(task)!);
    const row = grouping.memberships[i];
    const group = row.indexOf(Math.max(...row));
    return { task, metric, group, allTasks: baseline?.tasks[task]?.test[metric] ?? null, grouped: testMetric(summaries[group], task, metric) };
  });
  await writeFile(
    join(opts.outDir, 'group_metrics.csv'),
    toCsv(
      ['task', 'metric', 'group', 'membership', 'all_tasks', 'grouped'],
      study.tasks.map((t, i) => [t.task, t.metric, t.group + 1, grouping.memberships[i][t.group], t.allTasks, t.grouped]),
    ),
  );
  return study;
}

/** A study's grouping.json, for the UI's membership heatmap. */
export async function readGrouping(dir: string): Promise<TaskGrouping> {
  try {
    return JSON.parse(await readFile(join(dir, 'grouping.json'), 'utf8')) as TaskGrouping;
  } catch {
    throw new CrucibleError('not-found', `${dir} has no grouping.json.`, { hint: 'Run `crucible group CONFIG --k K --out DIR` first.' });
  }
}
