/**
 * The forgetting check of fine-tuning: the source model's tasks scored on the source's own test
 * split with the loaded model (before) and the fine-tuned one (after), metric by metric.
 */
import { applyScaling } from '../data/dataset/scaling';
import type { MultiTaskModel } from '../model/model';
import { evaluateSplit } from './evaluate';
import type { InitSource } from './init-from';
import type { MetricValues } from './metrics';
import type { ForgettingReport } from './reports';

export async function evaluateOldTasks(model: MultiTaskModel, source: InitSource, batchSize: number): Promise<Record<string, MetricValues>> {
  const set = source.data!.set;
  const tasks = source.header.modelSpec.tasks.map((t) => t.name).filter((t) => set.tasks.some((d) => d.name === t));
  const scaled = applyScaling(set, { ...source.header.scaling, tasks: source.header.scaling.tasks.filter((t) => tasks.includes(t.name)) });
  const result = await evaluateSplit(
    model,
    { ...scaled, tasks: scaled.tasks.filter((t) => tasks.includes(t.name)) },
    source.header.scaling,
    'test',
    batchSize,
    tasks,
  );
  return result.metrics;
}

export function forgettingReport(before: Record<string, MetricValues>, after: Record<string, MetricValues>): ForgettingReport {
  const tasks: Record<string, Record<string, { before: number; after: number; change: number }>> = {};
  for (const [task, metrics] of Object.entries(before)) {
    tasks[task] = {};
    for (const [metric, b] of Object.entries(metrics)) {
      const a = after[task]?.[metric as keyof MetricValues];
      if (a !== undefined) tasks[task][metric] = { before: b, after: a, change: a - b };
    }
  }
  return { tasks };
}
