/**
 * Successive halving (Jamieson & Talwalkar 2016; one Hyperband bracket, Li et al. 2018): every sampled
 * configuration trains on a small epoch budget, the best 1/η go on with η times the epochs, and so on
 * until the last rung trains at the config's max_epochs. Pure: the schedule and the promotion rule.
 */
import { CrucibleError } from '../../errors';

/** The halving rate Hyperband's authors recommend: a third survives each rung. */
export const DEFAULT_ETA = 3;

export interface Rung {
  /** 0 for the first, widest rung. */
  index: number;
  /** How many configurations train at this rung. */
  trials: number;
  epochs: number;
}

/**
 * The rungs for `budget` configurations and a final budget of `maxEpochs`: as many rungs as both allow
 * (each keeps at least one configuration and trains at least one epoch), the last at exactly `maxEpochs`.
 *
 * @example halvingSchedule(9, 100) // → 9 × 11 epochs, 3 × 33, 1 × 100
 */
export function halvingSchedule(budget: number, maxEpochs: number, eta = DEFAULT_ETA): Rung[] {
  if (!Number.isInteger(budget) || budget < 1) {
    throw new CrucibleError('bad-input', `The tuning budget is ${budget}; it is the number of configurations to try.`, {
      hint: 'Give --budget a whole number of at least 1, e.g. --budget 9.',
    });
  }
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) {
    throw new CrucibleError('bad-config', `trainer.max_epochs is ${maxEpochs}; the last rung trains that long.`, { hint: 'Use a positive whole number.' });
  }
  if (!Number.isInteger(eta) || eta < 2) throw new CrucibleError('bad-input', `The halving rate η is ${eta}.`, { hint: 'Use a whole number of at least 2.' });
  let last = 0;
  while (eta ** (last + 1) <= budget && eta ** (last + 1) <= maxEpochs) last++;
  return Array.from({ length: last + 1 }, (_, i) => ({
    index: i,
    trials: Math.floor(budget / eta ** i),
    epochs: i === last ? maxEpochs : Math.max(1, Math.round(maxEpochs / eta ** (last - i))),
  }));
}

/**
 * The trials that go on to the next rung: the `keep` lowest scores, ties to the earlier trial. Unscored
 * trials (failed, or no validation labels) never go on, so a rung may keep fewer than `keep`.
 */
export function promote(scored: readonly { trial: number; score: number | null }[], keep: number): number[] {
  return scored
    .filter((s): s is { trial: number; score: number } => s.score !== null && Number.isFinite(s.score))
    .sort((a, b) => a.score - b.score || a.trial - b.trial)
    .slice(0, keep)
    .map((s) => s.trial);
}
