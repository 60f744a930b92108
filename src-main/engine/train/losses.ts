/**
 * Masked task losses, built inside the gradient tape: each averages over the batch's known entries
 * only, so missing labels, task-masked rows and curve padding never contribute (and an all-masked
 * batch gives 0, never NaN). Masks and targets arrive as host arrays (a batch's `BatchTask`), which
 * lets the trainer count known entries before building anything and skip a task with none.
 */
import { CrucibleError } from '../errors';
import type { TaskKind } from '../data/dataset/types';
import { tf, type Scalar, type Tensor } from '../model/tf';

/** A task's loss on one batch and the number of known entries it averaged over. */
export interface MaskedLoss {
  loss: Scalar;
  /** Known entries: (row, column) pairs for regression and curves, rows for classification. */
  count: number;
}

/** Classification options. */
export interface CrossEntropyOptions {
  /** One weight per class (PyTorch `CrossEntropyLoss(weight=…)`): the mean becomes Σ wᵧ·ℓ / Σ wᵧ. */
  classWeights?: ArrayLike<number>;
}

/**
 * How many entries of a batch mask are known. Call it before building a loss: a task with 0 known
 * entries is skipped for the step (the seed logs it as `train_<task>_all_missing`).
 */
export function countKnown(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] > 0) n++;
  return n;
}

function checkShape(preds: Tensor, length: number, what: string): void {
  if (preds.size !== length) {
    throw new CrucibleError('internal', `Loss got ${preds.size} predictions for ${length} ${what}.`);
  }
}

/**
 * Mean squared error over the known entries of [B, W] predictions: Σ m·(p − y)² / Σ m. Serves scalar
 * and vector regression and curves alike (a curve's known (row, point) pairs; padding has mask 0).
 *
 * @example maskedMse(preds, batchTask.targets, batchTask.mask) // preds [B, W] in scaled units
 */
export function maskedMse(preds: Tensor, targets: Float32Array, mask: Float32Array): MaskedLoss {
  checkShape(preds, targets.length, 'targets');
  const count = countKnown(mask);
  const loss = tf.tidy(() => {
    const shape = preds.shape;
    const diff = tf.sub(preds, tf.tensor(targets, shape));
    const sum = tf.sum(tf.mul(tf.square(diff), tf.tensor(mask, shape)));
    // Dividing by a host constant keeps the all-masked case at 0/1 = 0 instead of 0/0.
    return tf.div(sum, Math.max(count, 1)) as Scalar;
  });
  return { loss, count };
}

/**
 * Cross-entropy from logits [B, C] for class indices stored as floats in `targets` [B] with mask [B]
 * (the seed's `CrossEntropyLoss(ignore_index=-100)` on known rows). Uses log-softmax, so large
 * logits stay finite. With class weights the mean is weighted like PyTorch's: Σ wᵧ·ℓ / Σ wᵧ.
 */
export function maskedCrossEntropy(logits: Tensor, targets: Float32Array, mask: Float32Array, options: CrossEntropyOptions = {}): MaskedLoss {
  const [rows, classes] = logits.shape;
  if (logits.rank !== 2 || rows !== targets.length || mask.length !== rows) {
    throw new CrucibleError('internal', `Cross-entropy expects logits [${targets.length}, C], got [${logits.shape}].`);
  }
  const weights = options.classWeights;
  if (weights && weights.length !== classes) {
    throw new CrucibleError('bad-config', `${weights.length} class weights were given for ${classes} classes.`, {
      hint: 'Give exactly one weight per class, in class order.',
    });
  }
  // The weighted one-hot selects −log pᵧ per row and carries the row's weight (0 when masked).
  const picked = new Float32Array(rows * classes);
  let count = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    if (!(mask[i] > 0)) continue;
    const label = targets[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new CrucibleError('internal', `Class index ${label} is outside 0..${classes - 1}.`);
    }
    const w = weights ? weights[label] : 1;
    picked[i * classes + label] = w;
    total += w;
    count++;
  }
  const loss = tf.tidy(() => {
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.tensor(picked, [rows, classes]))));
    return tf.div(nll, total > 0 ? total : 1) as Scalar;
  });
  return { loss, count };
}

/** The loss of a task kind: cross-entropy for classification, masked MSE for regression and curves. */
export function taskLoss(kind: TaskKind, preds: Tensor, targets: Float32Array, mask: Float32Array, options: CrossEntropyOptions = {}): MaskedLoss {
  return kind === 'classification' ? maskedCrossEntropy(preds, targets, mask, options) : maskedMse(preds, targets, mask);
}
