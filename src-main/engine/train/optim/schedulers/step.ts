/** Step decay (PyTorch `StepLR`): the rate is multiplied by gamma every step_size epochs. */
import { z } from 'zod';
import { closedForm, defineScheduler } from './scheduler';

/**
 * lr(e) = base · γ^⌊e / step_size⌋ after e finished epochs.
 *
 * @example { scheduler_type: step, scheduler_options: { step_size: 2, gamma: 0.5 } } // 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, …
 * @example { scheduler_type: StepLR, step_size: 2, factor: 0.5 } // the same in the seed's keys
 */
export const stepScheduler = defineScheduler({
  id: 'step',
  aliases: ['StepLR'],
  label: 'Step decay (StepLR)',
  seedKeys: { factor: 'gamma' },
  options: z
    .object({
      step_size: z.number().int().positive().default(10),
      gamma: z.number().positive().max(1).default(0.1),
    })
    .strict(),
  create: ({ baseLr }, o) => closedForm((epoch) => baseLr * o.gamma ** Math.floor(epoch / o.step_size)),
});
