/** Variants of one run for a study (single-task baselines, strategy comparisons, task groups) and the metric a study reports per task. */
import type { WeightingConfig } from '../config/schema';
import type { ResolvedRunConfig } from '../config/types';
import type { TaskKind } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import { METRICS, type MetricName } from '../train/metrics';
import type { LoadedData, RunSummary } from '../train/run-training';

export interface RunPlan {
  config: ResolvedRunConfig;
  data: LoadedData;
}

/**
 * The run restricted to the tasks in `weights`, each with that static loss weight, under `weighting`.
 * Other tasks leave the model (no head) and the data; the split and every other setting stay the same,
 * so the variants differ in their tasks only.
 *
 * @example withTasks(config, data, new Map([['band_gap', 1]]), { strategy: 'static', options: {} }) // single-task baseline
 */
export function withTasks(
  config: ResolvedRunConfig,
  data: LoadedData,
  weights: ReadonlyMap<string, number>,
  weighting: WeightingConfig = config.weighting,
): RunPlan {
  for (const task of weights.keys()) {
    if (!config.tasks.some((t) => t.name === task && t.enabled)) throw new CrucibleError('bad-input', `The config has no enabled task "${task}".`);
  }
  return {
    config: { ...config, weighting, tasks: config.tasks.filter((t) => weights.has(t.name)).map((t) => ({ ...t, weight: weights.get(t.name)! })) },
    data: { ...data, set: { ...data.set, tasks: data.set.tasks.filter((t) => weights.has(t.name)) } },
  };
}

/** The enabled tasks with a loss weight above 0, in config order. */
export function trainedTasks(config: ResolvedRunConfig): { name: string; kind: TaskKind; weight: number }[] {
  return config.tasks.filter((t) => t.enabled && t.weight > 0).map((t) => ({ name: t.name, kind: t.kind, weight: t.weight }));
}

/** The test metric a study compares per task: MAE for regression and curves, accuracy for classification. */
export function studyMetric(kind: TaskKind): MetricName {
  return kind === 'classification' ? 'accuracy' : 'mae';
}

export const metricHigherIsBetter = (metric: MetricName): boolean => METRICS[metric].higherIsBetter;

/** A task's test value of `metric` in a finished run, or null when the run produced none. */
export function testMetric(summary: RunSummary, task: string, metric: MetricName): number | null {
  return summary.metrics?.tasks[task]?.test[metric] ?? null;
}
