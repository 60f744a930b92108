/** Cosine annealing (Loshchilov & Hutter, "SGDR", ICLR 2017; PyTorch `CosineAnnealingLR`). */
import { z } from 'zod';
import { closedForm, defineScheduler } from './scheduler';

/**
 * lr(e) = η_min + ½(base − η_min)(1 + cos(π·e / T_max)) after e finished epochs: from base down to
 * η_min at e = T_max, and (like PyTorch) back up again beyond it. T_max defaults to the run's epochs.
 *
 * @example { scheduler_type: cosine, scheduler_options: { t_max: 100, eta_min: 1.0e-6 } }  // or the seed's t_max and min_lr
 */
export const cosineScheduler = defineScheduler({
  id: 'cosine',
  aliases: ['CosineAnnealing', 'CosineAnnealingLR'],
  label: 'Cosine annealing',
  seedKeys: { min_lr: 'eta_min' },
  options: z
    .object({
      t_max: z.number().int().positive().optional(),
      eta_min: z.number().nonnegative().default(0),
    })
    .strict(),
  create({ baseLr, epochs }, o) {
    const tMax = o.t_max ?? Math.max(epochs, 1);
    return closedForm((epoch) => o.eta_min + 0.5 * (baseLr - o.eta_min) * (1 + Math.cos((Math.PI * epoch) / tMax)));
  },
});
