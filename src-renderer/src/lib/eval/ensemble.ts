/**
 * What the Evaluate page shows of an ensemble: each task's conformal interval in one sentence, the parity plot's
 * error bars, and the members' own test metrics beside the combined model's. Pure, tested without a browser.
 */
import type { MetricsReport } from '../../../../src-main/api/contract';
import { headlineMetric, num } from '../format';
import type { TaskPredictions } from './evaluation';

export type TaskInterval = NonNullable<MetricsReport['tasks'][string]['interval']>;

/** 0.9 → "90 %", 0.975 → "97.5 %". */
export function percent(fraction: number): string {
  return `${num(fraction * 100, 3)} %`;
}

/** "90 % intervals: 88.7 % of 461 test rows inside, mean width 1.23", or why there is no such figure. */
export function intervalSummary(iv: TaskInterval): string {
  const head = `${percent(iv.coverage)} intervals`;
  // metrics.json writes an infinite q as null: too few validation rows for the rank the coverage needs.
  if (iv.q === null) return `${head}: unbounded, ${iv.calibration_rows} validation rows are too few to calibrate them`;
  if (iv.test_coverage === null || iv.test_rows === 0)
    return `${head}: calibrated on ${iv.calibration_rows} validation rows, no labelled test rows to check them`;
  return `${head}: ${(iv.test_coverage * 100).toFixed(1)} % of ${iv.test_rows} test rows inside, mean width ${num(iv.mean_width, 3)}`;
}

/** [measured, lo, hi, row] for every labelled row with a finite interval: one error bar each. */
export function intervalBars(task: TaskPredictions): [number, number, number, number][] {
  const iv = task.interval;
  if (!iv) return [];
  const out: [number, number, number, number][] = [];
  task.measured.forEach((m, i) => {
    const [lo, hi] = [iv.lo[i], iv.hi[i]];
    if (typeof m === 'number' && lo !== null && hi !== null && Number.isFinite(lo) && Number.isFinite(hi)) out.push([m, lo, hi, i]);
  });
  return out;
}

export interface MemberTable {
  /** One column per task: its headline test metric (the first it has when the headline is missing). */
  columns: { task: string; metric: string }[];
  /** The members in order, then the ensemble itself (seed, epochs null). */
  rows: { label: string; seed: number | null; bestEpoch: number | null; epochsRun: number | null; values: (number | undefined)[] }[];
}

/** The members' test metrics against the combined model's, or null for a run of one model. */
export function memberTable(metrics: MetricsReport | null): MemberTable | null {
  const ensemble = metrics?.ensemble;
  if (!metrics || !ensemble) return null;
  const columns = Object.entries(metrics.tasks).flatMap(([task, m]) => {
    const metric = headlineMetric(m.type) in m.test ? headlineMetric(m.type) : Object.keys(m.test)[0];
    return metric === undefined ? [] : [{ task, metric }];
  });
  const rows: MemberTable['rows'] = ensemble.members.map((m, i) => ({
    label: `Member ${i + 1}`,
    seed: m.seed,
    bestEpoch: m.best_epoch,
    epochsRun: m.epochs_run,
    values: columns.map((c) => m.test[c.task]?.[c.metric]),
  }));
  rows.push({
    label: `Ensemble of ${ensemble.size}`,
    seed: null,
    bestEpoch: null,
    epochsRun: null,
    values: columns.map((c) => metrics.tasks[c.task].test[c.metric]),
  });
  return { columns, rows };
}
