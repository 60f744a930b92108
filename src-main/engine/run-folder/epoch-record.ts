/**
 * One epoch's measurements as a structure: the total loss, per task its training and validation measures and
 * what the weighting learned, validation metrics over all tasks, each optimiser group's learning rate. The
 * training loop and its callbacks keep Keras-style flat logs (`val_<task>_mae`, the keys a config's `monitor`
 * names); they are structured here once, with the run's own task names and optimiser groups, and flattened
 * back only for metrics.csv. Pure: the API contract carries these records to the charts.
 */
import { z } from 'zod';

const Values = z.record(z.string(), z.number());

export const EpochRecordSchema = z.object({
  /** From 1, as metrics.csv and the charts count. */
  epoch: z.number().int().min(1),
  /** The weighted total the strategy minimises: mean over the epoch's training batches, and on the validation split. */
  loss: z.object({ train: z.number().optional(), val: z.number().optional() }),
  /** By task: `train` (raw_loss, all_missing), `val` (raw_loss, mae, r2, accuracy, …), `weighting` (sigma, weight). */
  tasks: z.record(z.string(), z.object({ train: Values, val: Values, weighting: Values })),
  /** Validation metrics of all tasks together. */
  overall: Values,
  /** By optimiser group: 'encoder', 'head:<task>'. */
  lr: Values,
  /** The rest: self-supervised losses (`train_ssl_<name>_loss`), epoch_seconds, samples_per_s. */
  other: Values,
});
export type EpochRecord = z.infer<typeof EpochRecordSchema>;

/** A training loop's flat epoch logs. */
export type FlatLogs = Record<string, number>;

/** The names that give flat keys their structure. */
export interface LogVocabulary {
  tasks: readonly string[];
  /** The optimiser groups; absent for records read from older runs, where every `lr_` key is a group. */
  groups?: readonly string[];
}

const TRAIN_LOSS = 'train_final_loss';
const VAL_LOSS = 'val_final_loss';

/**
 * Files each flat key: the total losses, `lr_<group>`, `train_<task>_…` / `val_<task>_…`, other `val_…` (overall),
 * `<task>_…` (the weighting's), the rest. Tasks whose names prefix each other (`gap`, `gap_direct`): the longest wins.
 *
 * @example structureEpoch(1, { val_gap_mae: 0.4, gap_sigma: 1.2 }, { tasks: ['gap'] }).tasks.gap
 *   // { train: {}, val: { mae: 0.4 }, weighting: { sigma: 1.2 } }
 */
export function structureEpoch(epoch: number, logs: Readonly<FlatLogs>, vocabulary: LogVocabulary): EpochRecord {
  const byLength = [...vocabulary.tasks].sort((a, b) => b.length - a.length);
  const record: EpochRecord = { epoch, loss: {}, tasks: {}, overall: {}, lr: {}, other: {} };
  for (const t of vocabulary.tasks) record.tasks[t] = { train: {}, val: {}, weighting: {} };
  const taskOf = (rest: string) => byLength.find((t) => rest.startsWith(`${t}_`));
  for (const [key, value] of Object.entries(logs)) {
    if (key === TRAIN_LOSS) record.loss.train = value;
    else if (key === VAL_LOSS) record.loss.val = value;
    else if (key.startsWith('lr_') && (vocabulary.groups?.includes(key.slice(3)) ?? true)) record.lr[key.slice(3)] = value;
    else {
      const split = key.startsWith('train_') ? 'train' : key.startsWith('val_') ? 'val' : null;
      const rest = split ? key.slice(split.length + 1) : key;
      const task = taskOf(rest);
      if (task) record.tasks[task][split ?? 'weighting'][rest.slice(task.length + 1)] = value;
      else if (split === 'val') record.overall[rest] = value;
      else record.other[key] = value;
    }
  }
  return record;
}

/**
 * The flat keys again, in the order the training loop logs them (metrics.csv's columns): training losses, the
 * weighting's values, validation losses and metrics, learning rates, timings. `structureEpoch` of the result gives
 * `record` back.
 */
export function flattenEpoch(record: EpochRecord): FlatLogs {
  const out: FlatLogs = {};
  const tasks = Object.entries(record.tasks);
  const other = Object.entries(record.other);
  if (record.loss.train !== undefined) out[TRAIN_LOSS] = record.loss.train;
  for (const [task, m] of tasks) for (const [k, v] of Object.entries(m.train)) out[`train_${task}_${k}`] = v;
  for (const [k, v] of other) if (k.startsWith('train_')) out[k] = v;
  for (const [task, m] of tasks) for (const [k, v] of Object.entries(m.weighting)) out[`${task}_${k}`] = v;
  if (record.loss.val !== undefined) out[VAL_LOSS] = record.loss.val;
  for (const [task, m] of tasks) for (const [k, v] of Object.entries(m.val)) out[`val_${task}_${k}`] = v;
  for (const [k, v] of Object.entries(record.overall)) out[`val_${k}`] = v;
  for (const [group, v] of Object.entries(record.lr)) out[`lr_${group}`] = v;
  for (const [k, v] of other) if (!k.startsWith('train_')) out[k] = v;
  return out;
}
