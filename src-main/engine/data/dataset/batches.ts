/** Seeded mini-batches over one split, gathered into flat Float32Arrays ready to become tensors. */
import { CrucibleError } from '../../errors';
import { Rng, deriveSeed } from '../../util/random';
import { taskKeepMasks, type TaskMaskingOptions } from './masking';
import { SPLIT_NAMES, SPLIT_TRAIN, type SplitName, type TrainingSet } from './types';

export interface BatchOptions {
  split: SplitName;
  batchSize: number;
  /** The user's seed; epoch e is shuffled with `deriveSeed(seed, 'shuffle', e)`. */
  seed: number;
  /** Shuffle the rows each epoch; default true for train, false for val and test. */
  shuffle?: boolean;
  /** Skip a last batch smaller than batchSize. */
  dropLast?: boolean;
  /** Task masking ratios; applied to training batches only. */
  masking?: TaskMaskingOptions;
}

/** One task's slice of a batch; each array is batch size × task width, row-major. */
export interface BatchTask {
  name: string;
  targets: Float32Array;
  /** 1 where the target counts in the loss: known and not hidden by task masking. */
  mask: Float32Array;
  /** Sequences: the x-grid of each row. */
  steps?: Float32Array;
}

export interface Batch {
  size: number;
  /** The TrainingSet row of each batch row. */
  rows: Int32Array;
  /** size × featureNames.length. */
  features: Float32Array;
  /** size × structure width, when the set has structure descriptors. */
  structure?: Float32Array;
  /** size; 1 where the row has a structure. */
  hasStructure?: Float32Array;
  /** In `set.tasks` order. */
  tasks: BatchTask[];
}

/** The rows of one split, ascending. */
export function splitRows(set: TrainingSet, split: SplitName): Uint32Array {
  const code = SPLIT_NAMES.indexOf(split);
  let count = 0;
  for (let r = 0; r < set.n; r++) if (set.split[r] === code) count++;
  const rows = new Uint32Array(count);
  for (let r = 0, k = 0; r < set.n; r++) if (set.split[r] === code) rows[k++] = r;
  return rows;
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new CrucibleError('bad-config', `The batch size is ${batchSize}; it must be a whole number of at least 1.`, {
      hint: 'Use a batch size such as 32 or 128.',
    });
  }
}

/** How many batches one epoch over the split yields. */
export function batchCount(set: TrainingSet, options: Pick<BatchOptions, 'split' | 'batchSize' | 'dropLast'>): number {
  checkBatchSize(options.batchSize);
  const rows = splitRows(set, options.split).length;
  return options.dropLast ? Math.floor(rows / options.batchSize) : Math.ceil(rows / options.batchSize);
}

/** Copies rows `order[from..to)` of an n × width array into a fresh batch array. */
function gather(source: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, width: number, order: Uint32Array, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * width);
  for (let i = from; i < to; i++) {
    const r = order[i];
    out.set(source.subarray(r * width, r * width + width), (i - from) * width);
  }
  return out;
}

/**
 * The batches of one epoch over `options.split`. Training batches draw the task-masking subset of this
 * epoch once, up front; masked rows keep their targets but get mask 0. The rows come out in a fresh
 * seeded order each epoch (when shuffling), and every row of the split appears exactly once per epoch
 * (except the tail that `dropLast` skips).
 */
export function* iterateBatches(set: TrainingSet, options: BatchOptions, epoch: number): Generator<Batch> {
  checkBatchSize(options.batchSize);
  const order = splitRows(set, options.split);
  if (options.shuffle ?? options.split === 'train') new Rng(deriveSeed(options.seed, 'shuffle', epoch)).shuffle(order);
  const keep = options.masking && SPLIT_NAMES.indexOf(options.split) === SPLIT_TRAIN ? taskKeepMasks(set, options.masking, epoch) : undefined;
  const d = set.featureNames.length;
  const end = options.dropLast ? order.length - (order.length % options.batchSize) : order.length;

  for (let from = 0; from < end; from += options.batchSize) {
    const to = Math.min(from + options.batchSize, end);
    const s = set.structure;
    yield {
      size: to - from,
      rows: Int32Array.from(order.subarray(from, to)),
      features: gather(set.features, d, order, from, to),
      ...(s ? { structure: gather(s.values, s.names.length, order, from, to), hasStructure: gather(s.hasStructure, 1, order, from, to) } : {}),
      tasks: set.tasks.map((task, t) => {
        const w = task.width;
        const mask = gather(task.mask, w, order, from, to);
        const hidden = keep?.[t];
        if (hidden) for (let i = from; i < to; i++) if (!hidden[order[i]]) mask.fill(0, (i - from) * w, (i - from + 1) * w);
        return {
          name: task.name,
          targets: gather(task.targets, w, order, from, to),
          mask,
          ...(task.steps ? { steps: gather(task.steps, w, order, from, to) } : {}),
        };
      }),
    };
  }
}
