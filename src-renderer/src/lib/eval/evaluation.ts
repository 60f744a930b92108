/**
 * What the Evaluate page computes from a run's test predictions: parity points, confusion matrices,
 * ROC curves, per-curve errors and the worst predictions first. Pure functions, tested without a browser.
 */
import type { Cell, RunPredictions } from '../../../../src-main/api/contract';

export type TaskPredictions = RunPredictions['tasks'][number];

/** [measured, predicted, row] for every row where both are numbers. */
export function parityPoints(task: TaskPredictions): [number, number, number][] {
  const out: [number, number, number][] = [];
  task.measured.forEach((m, i) => {
    const p = task.predicted[i];
    if (typeof m === 'number' && typeof p === 'number') out.push([m, p, i]);
  });
  return out;
}

/** The smallest and largest of the values, padded by 5 %, so a parity plot's diagonal spans the data. */
export function paddedRange(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

export interface Confusion {
  /** Class labels, in the order of the matrix's rows (measured) and columns (predicted). */
  classes: string[];
  /** counts[measured][predicted]. */
  counts: number[][];
  total: number;
}

export function confusionMatrix(task: TaskPredictions): Confusion {
  const label = (c: Cell) => (c === null ? null : String(c));
  const classes = [...new Set([...task.measured, ...task.predicted].map(label).filter((c): c is string => c !== null))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const counts = classes.map(() => classes.map(() => 0));
  let total = 0;
  task.measured.forEach((m, i) => {
    const [a, b] = [label(m), label(task.predicted[i])];
    if (a === null || b === null) return;
    counts[classes.indexOf(a)][classes.indexOf(b)]++;
    total++;
  });
  return { classes, counts, total };
}

/** ROC curve of `positive` against the rest from predicted probabilities: [false positive rate, true positive rate] points and the AUC. */
export function rocCurve(scores: readonly (number | null)[], measured: readonly Cell[], positive: string): { points: [number, number][]; auc: number } | null {
  const rows = scores.flatMap((s, i) => (s === null || measured[i] === null ? [] : [{ s, yes: String(measured[i]) === positive }]));
  const pos = rows.filter((r) => r.yes).length;
  const neg = rows.length - pos;
  if (pos === 0 || neg === 0) return null;
  rows.sort((a, b) => b.s - a.s);
  const points: [number, number][] = [[0, 0]];
  let [tp, fp, auc] = [0, 0, 0];
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].yes) tp++;
    else fp++;
    // Tied scores move together, so the curve does not depend on the order of ties.
    if (i + 1 < rows.length && rows[i + 1].s === rows[i].s) continue;
    const [x, y] = [fp / neg, tp / pos];
    const [px, py] = points[points.length - 1];
    auc += ((x - px) * (y + py)) / 2;
    points.push([x, y]);
  }
  return { points, auc };
}

/** Mean absolute error of one curve over the points where both values are known; null without a measured curve. */
export function curveError(predicted: Cell, measured: Cell): number | null {
  if (!Array.isArray(predicted) || !Array.isArray(measured)) return null;
  let [sum, n] = [0, 0];
  for (let k = 0; k < Math.min(predicted.length, measured.length); k++) {
    const [p, m] = [predicted[k], measured[k]];
    if (p === null || m === null) continue;
    sum += Math.abs(p - m);
    n++;
  }
  return n > 0 ? sum / n : null;
}

/** Row indices in the order the curve viewer lists them: matching `query` (formula or id), worst error first. */
export function curveOrder(task: TaskPredictions, formulas: readonly string[], ids: readonly string[], query: string, worstFirst: boolean): number[] {
  const q = query.trim().toLowerCase();
  const errors = task.measured.map((m, i) => curveError(task.predicted[i], m));
  const rows = formulas.map((_, i) => i).filter((i) => !q || formulas[i].toLowerCase().includes(q) || ids[i].toLowerCase() === q);
  return rows.sort((a, b) => {
    if (!worstFirst) return formulas[a].localeCompare(formulas[b]);
    return (errors[b] ?? -Infinity) - (errors[a] ?? -Infinity);
  });
}

/** The x values of row `i`: its own grid, or 0, 1, 2 … when the task has no x column. */
export function curveSteps(task: TaskPredictions, i: number): number[] {
  const own = task.steps?.[i];
  if (own) return own;
  const length = Array.isArray(task.predicted[i]) ? (task.predicted[i] as unknown[]).length : 0;
  return Array.from({ length }, (_, k) => k);
}
