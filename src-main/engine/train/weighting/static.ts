/** Static weighting: the total is Σ wₜ·Lₜ with the tasks' configured loss weights (the seed with its balancer off). */
import { z } from 'zod';
import { defineWeighting, weightedSum } from './weighting';

/**
 * `L = Σₜ wₜ·Lₜ`. A task with wₜ = 0 is removed from training altogether.
 *
 * @example weighting: { id: 'static' }  // with tasks' loss_weight 1 and 0.5: L = L₁ + 0.5·L₂
 */
export const staticWeighting = defineWeighting({
  id: 'static',
  label: 'Static weights (Σ wₜ·Lₜ)',
  options: z.object({}).strict(),
  create(ctx) {
    const weight = (task: string) => ctx.weights.get(task)!;
    return {
      combine: (rawLosses) => weightedSum(rawLosses, weight),
      logs: () => Object.fromEntries(ctx.tasks.map((t) => [`${t}_weight`, weight(t)])),
    };
  },
});
