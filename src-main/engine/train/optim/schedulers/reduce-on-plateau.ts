/** Reduce on plateau (PyTorch `ReduceLROnPlateau`): cut the rate when a monitored log stops improving. */
import { z } from 'zod';
import { CrucibleError } from '../../../errors';
import { VAL_TASK_LOSS } from '../../metrics';
import { defineScheduler } from './scheduler';

/**
 * After each epoch reads `logs[monitor]`. An epoch improves when the value beats the best so far by
 * the threshold (mode min, threshold_mode rel: value < best·(1 − threshold); abs: value < best − threshold;
 * mirrored for max). After more than `patience` epochs without improvement the rate becomes
 * max(lr·factor, min_lr) (a change smaller than eps is ignored), then `cooldown` epochs pass in which
 * bad epochs are not counted. PyTorch's semantics, including a NaN counting as a bad epoch.
 *
 * @example { scheduler_type: ReduceLROnPlateau, monitor: val_final_loss, factor: 0.5, patience: 5, scheduler_options: { cooldown: 2 } }
 */
export const reduceOnPlateauScheduler = defineScheduler({
  id: 'reduce_on_plateau',
  aliases: ['ReduceLROnPlateau', 'plateau'],
  label: 'Reduce on plateau',
  options: z
    .object({
      /** The tasks' mean raw validation loss, which (unlike the weighted `val_final_loss`) does not rise when learned task weights grow. */
      monitor: z.string().min(1).default(VAL_TASK_LOSS),
      mode: z.enum(['min', 'max']).default('min'),
      factor: z.number().positive().lt(1).default(0.1),
      patience: z.number().int().nonnegative().default(10),
      threshold: z.number().nonnegative().default(1e-4),
      threshold_mode: z.enum(['rel', 'abs']).default('rel'),
      cooldown: z.number().int().nonnegative().default(0),
      min_lr: z.number().nonnegative().default(0),
      eps: z.number().nonnegative().default(1e-8),
    })
    .strict(),
  create({ baseLr }, o) {
    let lr = baseLr;
    const sign = o.mode === 'min' ? 1 : -1;
    // PyTorch starts from the worst possible value (±inf); the saved state writes it as null (JSON has no inf).
    let best = sign * Infinity;
    let badEpochs = 0;
    let cooldownLeft = 0;
    const isBetter = (value: number, ref: number) => {
      if (o.threshold_mode === 'rel') return o.mode === 'min' ? value < ref * (1 - o.threshold) : value > ref * (1 + o.threshold);
      return sign * value < sign * ref - o.threshold;
    };
    return {
      lr: () => lr,
      step(logs) {
        const value = logs[o.monitor];
        if (value === undefined) {
          throw new CrucibleError('bad-config', `The reduce_on_plateau scheduler monitors "${o.monitor}", which the epoch logs do not have.`, {
            hint: `Set its monitor to one of: ${Object.keys(logs).join(', ')}.`,
          });
        }
        if (isBetter(value, best)) {
          best = value;
          badEpochs = 0;
        } else badEpochs += 1;
        if (cooldownLeft > 0) {
          cooldownLeft -= 1;
          badEpochs = 0;
        }
        if (badEpochs > o.patience) {
          const next = Math.max(lr * o.factor, o.min_lr);
          if (lr - next > o.eps) lr = next;
          cooldownLeft = o.cooldown;
          badEpochs = 0;
        }
        return lr;
      },
      state: () => ({ lr, best: Number.isFinite(best) ? best : null, badEpochs, cooldownLeft }),
      loadState(state) {
        lr = state.lr ?? baseLr;
        best = state.best ?? sign * Infinity;
        badEpochs = state.badEpochs ?? 0;
        cooldownLeft = state.cooldownLeft ?? 0;
      },
    };
  },
});
