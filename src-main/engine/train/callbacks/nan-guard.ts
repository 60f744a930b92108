/** NaN guard: stops a diverging run at the first non-finite number it logs (Keras `TerminateOnNaN`), with a message saying what to do. */
import { CrucibleError } from '../../errors';
import type { BatchInfo, Logs, StopRequest, TrainingCallback } from './callback';

/**
 * Checks every batch's logs (when the loop provides them) and every epoch's logs; the first NaN or
 * infinite value ends the run with an error naming the key and the epoch.
 *
 * @example new NanGuard() // → "Training diverged: train_gap_raw_loss became NaN in epoch 3, batch 17."
 */
export class NanGuard implements TrainingCallback {
  onBatchEnd(epoch: number, batch: BatchInfo): StopRequest | void {
    return batch.logs ? check(batch.logs, `epoch ${epoch + 1}, batch ${batch.batch + 1}`) : undefined;
  }

  onEpochEnd(epoch: number, logs: Logs): StopRequest | void {
    return check(logs, `epoch ${epoch + 1}`);
  }
}

function check(logs: Logs, where: string): StopRequest | void {
  const bad = Object.entries(logs).find(([, v]) => !Number.isFinite(v));
  if (!bad) return;
  const [key, value] = bad;
  const error = new CrucibleError('bad-config', `Training diverged: ${key} became ${value} in ${where}.`, {
    hint: 'Lower the learning rate (e.g. ten times), enable gradient clipping, or check the targets for extreme values.',
  });
  return { reason: error.message, error };
}
