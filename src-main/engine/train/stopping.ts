/**
 * What early stopping and the best checkpoint watch by default: each task's own validation metric
 * (not the weighted total, which moves whenever learned task weights move), and a patience that
 * scales with the data so a small data set gets as many optimiser steps to recover as a large one.
 */
import type { ResolvedTrainer } from '../config/types';
import { PER_TASK_MONITOR } from '../config/schema';
import type { TaskKind } from '../data/dataset/types';
import { EarlyStopping } from './callbacks/index';

/** The log key a task is judged by: its validation MAE (regression, curves) or cross-entropy (classification). */
export function taskMonitor(task: { name: string; kind: TaskKind }): string {
  return task.kind === 'classification' ? `val_${task.name}_raw_loss` : `val_${task.name}_mae`;
}

/** Steps without improvement that `patience: auto` allows, and its bounds in epochs (docs/model-quality.md). */
export const AUTO_PATIENCE_STEPS = 2000;
export const AUTO_PATIENCE_MIN = 20;
export const AUTO_PATIENCE_MAX = 100;

/** `patience: auto`: about {@link AUTO_PATIENCE_STEPS} optimiser steps, within [min, max] epochs. */
export function autoPatience(batchesPerEpoch: number): number {
  return Math.min(AUTO_PATIENCE_MAX, Math.max(AUTO_PATIENCE_MIN, Math.ceil(AUTO_PATIENCE_STEPS / Math.max(batchesPerEpoch, 1))));
}

/** The monitors a monitor setting stands for: every task's own for `per_task`, else itself. */
export function monitorsOf(monitor: string, tasks: readonly { name: string; kind: TaskKind }[]): string[] {
  return monitor === PER_TASK_MONITOR ? tasks.map(taskMonitor) : [monitor];
}

/** The run's early stopping, or undefined when it is off. */
export function earlyStoppingFor(
  settings: ResolvedTrainer['earlyStopping'],
  tasks: readonly { name: string; kind: TaskKind }[],
  batchesPerEpoch: number,
): { callback: EarlyStopping; patience: number } | undefined {
  if (!settings) return undefined;
  const patience = settings.patience === 'auto' ? autoPatience(batchesPerEpoch) : settings.patience;
  const perTask = settings.monitor === PER_TASK_MONITOR;
  const callback = new EarlyStopping({
    monitors: monitorsOf(settings.monitor, tasks),
    patience,
    minDelta: settings.minDelta,
    // Per-task monitors mix MAE and cross-entropy: each gets its own direction.
    mode: perTask ? 'auto' : settings.mode,
  });
  return { callback, patience };
}
