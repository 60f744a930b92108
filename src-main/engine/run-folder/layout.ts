/**
 * The files of a run folder, everything needed to understand, reproduce and reuse a training run:
 *
 *   run.json           what ran: name, table, tasks, encoder widths, featurizer, strategy (the small header readers list)
 *   config.yaml        the resolved configuration (defaults filled in), runnable with `crucible train`
 *   provenance.json    seeds, data file hashes, package versions, backend, timings
 *   events.jsonl       one typed event per line: each epoch's record, then done or failed
 *   metrics.csv        one row per epoch, the epoch records flattened (losses, metrics, learned weights, learning rates)
 *   metrics.json       final per-task and overall metrics on val and test
 *   predictions/test.csv
 *   checkpoints/best.ckpt, last.ckpt
 *
 * Every path is relative to the run folder, so a run can be moved or copied with its project.
 */
export const RUN_FILES = {
  header: 'run.json',
  config: 'config.yaml',
  provenance: 'provenance.json',
  events: 'events.jsonl',
  metricsCsv: 'metrics.csv',
  metrics: 'metrics.json',
  testPredictions: 'predictions/test.csv',
  affinity: 'affinity.json',
} as const;

export const CHECKPOINTS_DIR = 'checkpoints';
export const PREDICTIONS_DIR = 'predictions';
export type CheckpointKind = 'best' | 'last';

export function checkpointFile(kind: CheckpointKind): string {
  return `${CHECKPOINTS_DIR}/${kind}.ckpt`;
}
