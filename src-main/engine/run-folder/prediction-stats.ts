/**
 * Figures drawn from a run's test predictions that both the app's Evaluate page and the HTML report show: the
 * parity plot's axis range, confusion matrices, ROC curves from class probabilities and the error of a predicted curve. Pure: the
 * contract re-exports them for the renderer, and report/ imports them directly.
 */
import type { PredictionValue, RunPredictions } from './schemas';

/** The smallest and largest of the values, padded by 5 %, so a parity plot's diagonal spans the data. */
export function paddedRange(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** ROC curve of `positive` against the rest from predicted probabilities: [false positive rate, true positive rate] points and the AUC. */
export function rocCurve(
  scores: readonly (number | null)[],
  measured: readonly PredictionValue[],
  positive: string,
): { points: [number, number][]; auc: number } | null {
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
export function curveError(predicted: PredictionValue, measured: PredictionValue): number | null {
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

export interface Confusion {
  /** Class labels, in the order of the matrix's rows (measured) and columns (predicted). */
  classes: string[];
  /** counts[measured][predicted]. */
  counts: number[][];
  total: number;
}

const classLabel = (c: PredictionValue) => (c === null ? null : String(c));

/** Every class the task knows (its probability columns too, so a class never predicted still gets its row). */
export function confusionMatrix(task: Pick<RunPredictions['tasks'][number], 'measured' | 'predicted' | 'scores'>): Confusion {
  const seen = [...task.measured, ...task.predicted].map(classLabel).filter((c): c is string => c !== null);
  const classes = [...new Set([...Object.keys(task.scores ?? {}), ...seen])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const counts = classes.map(() => classes.map(() => 0));
  let total = 0;
  task.measured.forEach((m, i) => {
    const [a, b] = [classLabel(m), classLabel(task.predicted[i])];
    if (a === null || b === null) return;
    counts[classes.indexOf(a)][classes.indexOf(b)]++;
    total++;
  });
  return { classes, counts, total };
}
