/** Learning curves of the task weights (`<task>_weight` in each epoch's logs), for the UI's weight plot. */
import type { Logs } from '../train/callbacks/index';

export interface WeightCurves {
  /** Epoch numbers from 1, one per logged epoch. */
  epochs: number[];
  /** Per task: its effective loss weight after each epoch (null where that epoch logged none). */
  weights: Record<string, (number | null)[]>;
}

/**
 * Every strategy logs `<task>_weight` each epoch (static: wₜ; uncertainty: ½·wₜ·σₜ⁻²; GradNorm, DWA: the
 * current weight); this gathers them per task from a run's epoch logs, in epoch order.
 *
 * @example weightCurves(history, ['band_gap', 'is_metal']).weights.band_gap // [1, 0.93, 0.88, …]
 */
export function weightCurves(history: readonly Logs[], tasks: readonly string[]): WeightCurves {
  return {
    epochs: history.map((_, i) => i + 1),
    weights: Object.fromEntries(tasks.map((t) => [t, history.map((logs) => logs[`${t}_weight`] ?? null)])),
  };
}
