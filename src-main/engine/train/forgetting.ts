/**
 * The forgetting check of fine-tuning: the source model's tasks scored on the source's own test
 * split with the loaded model (before) and the fine-tuned one (after), metric by metric.
 */
import { applyScaling } from '../data/dataset/scaling';
import type { MultiTaskModel } from '../model/model';
import { evaluateSplit } from './evaluate';
import type { InitSource } from './init-from';
import { METRICS, type MetricName, type MetricValues } from './metrics';
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

/** How far (relative to before) an old task's metric may move, in its worse direction, before the report warns. */
export const FORGETTING_TOLERANCE = 0.05;

export interface ForgettingContext {
  /** Whether the encoder itself trained (neither frozen nor adapted through LoRA): old tasks may then move. */
  encoderTrained: boolean;
  /** The fine-tuned model's test metrics and mean-predictor baselines, for the tasks this run trained. */
  trained: Record<string, { test: MetricValues; baseline_test?: MetricValues }>;
  /** The tasks the source did not have. */
  newTasks: readonly string[];
}

const pct = (x: number) => `${x > 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const fmt = (x: number) => String(Number(x.toPrecision(4)));

/** Before/after per old task and metric, with a warning for each move past the tolerance and each new task worse than its mean predictor. */
export function forgettingReport(before: Record<string, MetricValues>, after: Record<string, MetricValues>, context: ForgettingContext): ForgettingReport {
  const tasks: Record<string, Record<string, { before: number; after: number; change: number }>> = {};
  const warnings: string[] = [];
  if (context.encoderTrained) {
    warnings.push('Every weight of the encoder was trained, so the old tasks may move; freeze the encoder or use LoRA adapters to keep them.');
  }
  for (const [task, metrics] of Object.entries(before)) {
    tasks[task] = {};
    for (const [metric, b] of Object.entries(metrics)) {
      const a = after[task]?.[metric as keyof MetricValues];
      if (a === undefined) continue;
      tasks[task][metric] = { before: b, after: a, change: a - b };
      const worse = (METRICS[metric as MetricName]?.higherIsBetter ? b - a : a - b) / Math.abs(b);
      if (b !== 0 && worse > FORGETTING_TOLERANCE)
        warnings.push(`${task}: ${METRICS[metric as MetricName]?.label ?? metric} moved ${pct((a - b) / Math.abs(b))} (${fmt(b)} → ${fmt(a)}).`);
    }
  }
  for (const task of context.newTasks) {
    const m = context.trained[task];
    const mae = m?.test.mae;
    const baseline = m?.baseline_test?.mae;
    if (mae !== undefined && baseline !== undefined && mae >= baseline) {
      warnings.push(`${task} (new): test MAE ${fmt(mae)} is no better than predicting the training mean (${fmt(baseline)}).`);
    }
  }
  return { tasks, ...(warnings.length > 0 && { warnings }) };
}
