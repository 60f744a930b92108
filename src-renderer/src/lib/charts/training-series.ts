/**
 * Turns epoch records (`loss`, per task `train` / `val` / `weighting`, `overall`, `lr`; structured by the
 * engine) into the series the training charts draw. Pure functions, so they are tested without a browser.
 */
import type { EpochRecord } from '../../../../src-main/api/contract';

export type Point = [epoch: number, value: number];

/** One value per epoch picked from each record; epochs without it are skipped. */
export function seriesOf(history: readonly EpochRecord[], pick: (record: EpochRecord) => number | undefined): Point[] {
  const out: Point[] = [];
  for (const record of history) {
    const v = pick(record);
    if (v !== undefined && Number.isFinite(v)) out.push([record.epoch, v]);
  }
  return out;
}

export interface NamedSeries {
  name: string;
  /** Identifies the series across updates. */
  key: string;
  points: Point[];
  /** Dashed (validation) or solid (training). */
  dashed: boolean;
  /** Series of one task share a colour index. */
  group: number;
}

/** Total loss: training and validation. */
export function totalLoss(history: readonly EpochRecord[]): NamedSeries[] {
  return [
    { name: 'train', key: 'loss.train', points: seriesOf(history, (r) => r.loss.train), dashed: false, group: 0 },
    { name: 'validation', key: 'loss.val', points: seriesOf(history, (r) => r.loss.val), dashed: true, group: 1 },
  ];
}

/** Each task's unweighted loss, training solid and validation dashed in the task's colour. */
export function taskLosses(history: readonly EpochRecord[], tasks: readonly string[]): NamedSeries[] {
  return tasks.flatMap((task, group) => [
    { name: `${task} (train)`, key: `${task}.train`, points: seriesOf(history, (r) => r.tasks[task]?.train.raw_loss), dashed: false, group },
    { name: `${task} (val)`, key: `${task}.val`, points: seriesOf(history, (r) => r.tasks[task]?.val.raw_loss), dashed: true, group },
  ]);
}

/** The validation metrics recorded for `task` (MAE, R², accuracy …), in the order first seen. */
export function taskMetrics(history: readonly EpochRecord[], task: string): NamedSeries[] {
  const names = [...new Set(history.flatMap((r) => Object.keys(r.tasks[task]?.val ?? {})))].filter((n) => n !== 'raw_loss');
  return names.map((name, group) => ({ name, key: `${task}.val.${name}`, points: seriesOf(history, (r) => r.tasks[task]?.val[name]), dashed: false, group }));
}

/** Learned task weighting over epochs: σ per task (uncertainty weighting) and the effective weights, when recorded. */
export function taskWeights(history: readonly EpochRecord[], tasks: readonly string[]): NamedSeries[] {
  return tasks
    .flatMap((task, group) => [
      { name: `σ ${task}`, key: `${task}.sigma`, points: seriesOf(history, (r) => r.tasks[task]?.weighting.sigma), dashed: false, group },
      { name: `weight ${task}`, key: `${task}.weight`, points: seriesOf(history, (r) => r.tasks[task]?.weighting.weight), dashed: true, group },
    ])
    .filter((s) => s.points.length > 0);
}

/** The learning rate of every optimiser group (`encoder`, `head:band_gap`). */
export function learningRates(history: readonly EpochRecord[]): NamedSeries[] {
  const groups = [...new Set(history.flatMap((r) => Object.keys(r.lr)))];
  return groups.map((g, group) => ({ name: g.replace(/^head:/, 'head '), key: `lr.${g}`, points: seriesOf(history, (r) => r.lr[g]), dashed: false, group }));
}

/** The epoch with the lowest validation loss, or null before any. */
export function bestEpoch(history: readonly EpochRecord[]): number | null {
  let best: EpochRecord | null = null;
  for (const r of history) if (r.loss.val !== undefined && (best === null || r.loss.val < best.loss.val!)) best = r;
  return best?.epoch ?? null;
}
