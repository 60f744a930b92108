/**
 * The one number `crucible tune` ranks trials by, from validation metrics only (the test split never chooses).
 * Early stopping judges each task by its own validation error; the score is the mean of those errors made
 * unitless, so tasks in eV and in GPa, and classification, weigh the same: a regression or curve task's val MAE
 * over the val MAE of predicting the training mean, a classification task's 2 · (1 − val ROC-AUC). Both are 0 for
 * a perfect model and 1 for one with no skill; lower is better.
 */
import { splitRows } from '../../data/dataset/batches';
import type { TrainingSet } from '../../data/dataset/types';
import { meanBaseline, type MetricsReport } from '../../train/reports';

export const SCORE_DESCRIPTION = 'mean over tasks of val MAE / val MAE of the training mean (regression, curves) and 2·(1 − val ROC-AUC) (classification)';

/** Per regression or curve task in `tasks`, the val MAE of always predicting its training mean. */
export function valBaselines(set: TrainingSet, tasks: readonly string[]): Record<string, number> {
  const rows = Int32Array.from(splitRows(set, 'val'));
  const out: Record<string, number> = {};
  for (const task of set.tasks) {
    if (!tasks.includes(task.name) || task.kind === 'classification') continue;
    const mae = meanBaseline(set, task, rows).mae;
    if (mae !== undefined && mae > 0) out[task.name] = mae;
  }
  return out;
}

/** The score of a run's metrics; null when no task has the validation metric it needs. */
export function validationScore(tasks: MetricsReport['tasks'], baselines: Record<string, number>): number | null {
  const errors: number[] = [];
  for (const [name, m] of Object.entries(tasks)) {
    if (m.type === 'classification') {
      if (m.val.roc_auc !== undefined) errors.push(2 * (1 - m.val.roc_auc));
    } else if (m.val.mae !== undefined && baselines[name] !== undefined) errors.push(m.val.mae / baselines[name]);
  }
  return errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : null;
}
