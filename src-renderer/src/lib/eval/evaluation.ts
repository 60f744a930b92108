/**
 * What the Evaluate page computes from a run's test predictions: parity points, confusion matrices,
 * ROC curves, per-curve errors and the worst predictions first. Pure functions, tested without a browser.
 */
import { curveError, type RunPredictions } from '../../../../src-main/api/contract';

export { confusionMatrix, curveError, paddedRange, rocCurve, type Confusion } from '../../../../src-main/api/contract';

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
