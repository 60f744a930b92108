/**
 * Reads Keras-style epoch logs (`train_final_loss`, `val_<task>_mae`, `<task>_sigma`, `lr_<group>` …)
 * into the series the training charts draw. Pure functions, so they are tested without a browser.
 */
import type { EpochLogs } from '../../../../src-main/api/contract';

export type Point = [epoch: number, value: number];

/** The task a log key belongs to and what it measures: `val_band_gap_mae` → { split: 'val', task: 'band_gap', name: 'mae' }. */
export interface LogKey {
  split: 'train' | 'val' | null;
  task: string | null;
  name: string;
}

/** Splits a key; with task names that prefix each other (`gap`, `gap_direct`) the longest match wins. */
export function parseLogKey(key: string, tasks: readonly string[]): LogKey {
  let split: LogKey['split'] = null;
  let rest = key;
  if (key.startsWith('train_')) [split, rest] = ['train', key.slice(6)];
  else if (key.startsWith('val_')) [split, rest] = ['val', key.slice(4)];
  const task = [...tasks].sort((a, b) => b.length - a.length).find((t) => rest.startsWith(`${t}_`));
  return task ? { split, task, name: rest.slice(task.length + 1) } : { split, task: null, name: rest };
}

/** One value per epoch of `key` (epochs numbered from 1); epochs without it are skipped. */
export function seriesOf(history: readonly EpochLogs[], key: string): Point[] {
  const out: Point[] = [];
  history.forEach((logs, i) => {
    const v = logs[key];
    if (v !== undefined && Number.isFinite(v)) out.push([i + 1, v]);
  });
  return out;
}

export interface NamedSeries {
  name: string;
  key: string;
  points: Point[];
  /** Dashed (validation) or solid (training). */
  dashed: boolean;
  /** Series of one task share a colour index. */
  group: number;
}

/** Total loss: training and validation. */
export function totalLoss(history: readonly EpochLogs[]): NamedSeries[] {
  return [
    { name: 'train', key: 'train_final_loss', points: seriesOf(history, 'train_final_loss'), dashed: false, group: 0 },
    { name: 'validation', key: 'val_final_loss', points: seriesOf(history, 'val_final_loss'), dashed: true, group: 1 },
  ];
}

/** Each task's unweighted loss, training solid and validation dashed in the task's colour. */
export function taskLosses(history: readonly EpochLogs[], tasks: readonly string[]): NamedSeries[] {
  return tasks.flatMap((task, group) => [
    { name: `${task} (train)`, key: `train_${task}_raw_loss`, points: seriesOf(history, `train_${task}_raw_loss`), dashed: false, group },
    { name: `${task} (val)`, key: `val_${task}_raw_loss`, points: seriesOf(history, `val_${task}_raw_loss`), dashed: true, group },
  ]);
}

/** The validation metrics logged for `task` (MAE, R², accuracy …), in the order first seen. */
export function taskMetrics(history: readonly EpochLogs[], tasks: readonly string[], task: string): NamedSeries[] {
  const names: string[] = [];
  for (const logs of history) {
    for (const key of Object.keys(logs)) {
      const k = parseLogKey(key, tasks);
      if (k.split === 'val' && k.task === task && k.name !== 'raw_loss' && !names.includes(k.name)) names.push(k.name);
    }
  }
  return names.map((name, group) => ({ name, key: `val_${task}_${name}`, points: seriesOf(history, `val_${task}_${name}`), dashed: false, group }));
}

/** Learned task weighting over epochs: σ per task (uncertainty weighting) and the effective weights, when logged. */
export function taskWeights(history: readonly EpochLogs[], tasks: readonly string[]): NamedSeries[] {
  return tasks
    .flatMap((task, group) => [
      { name: `σ ${task}`, key: `${task}_sigma`, points: seriesOf(history, `${task}_sigma`), dashed: false, group },
      { name: `weight ${task}`, key: `${task}_weight`, points: seriesOf(history, `${task}_weight`), dashed: true, group },
    ])
    .filter((s) => s.points.length > 0);
}

/** The learning rate of every optimiser group (`lr_encoder`, `lr_head:band_gap`). */
export function learningRates(history: readonly EpochLogs[]): NamedSeries[] {
  const keys = [...new Set(history.flatMap((logs) => Object.keys(logs).filter((k) => k.startsWith('lr_'))))];
  return keys.map((key, group) => ({ name: key.slice(3).replace(/^head:/, 'head '), key, points: seriesOf(history, key), dashed: false, group }));
}

/** The epoch with the lowest validation loss (1-based), or null before any. */
export function bestEpoch(history: readonly EpochLogs[]): number | null {
  let best: number | null = null;
  history.forEach((logs, i) => {
    const v = logs.val_final_loss;
    if (v !== undefined && (best === null || v < history[best - 1].val_final_loss)) best = i + 1;
  });
  return best;
}
