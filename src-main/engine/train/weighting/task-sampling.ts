/**
 * Task sampling, DeePMD-kit's multi-task mode (`training/model_prob`, doc/train/multi-task-training.md):
 * every step trains one task, drawn with probability proportional to its loss weight.
 */
import { z } from 'zod';
import { defineWeighting, weightedSum } from './weighting';

/**
 * Each step draws ONE task among those with labels in the batch, with P(t) = wₜ / Σ wₛ over them,
 * and the step's loss is that task's raw loss. On a map of several losses (validation) `combine`
 * gives the sampling expectation Σ pₜ·Lₜ with p normalised over the tasks present, which reduces to
 * Lₜ on a training step. Logs `<task>_weight` = wₜ / Σ w (the sampling probability).
 *
 * @example weighting: { id: 'task_sampling' }  // loss_weight 3 and 1: the first task trains 3 steps in 4
 */
export const taskSamplingWeighting = defineWeighting({
  id: 'task_sampling',
  label: 'Task sampling (DeePMD-kit multi-task)',
  options: z.object({}).strict(),
  create(ctx) {
    const weight = (task: string) => ctx.weights.get(task)!;
    const total = ctx.tasks.reduce((a, t) => a + weight(t), 0);
    return {
      selectTasks(_step, rng, tasksWithLabels) {
        if (tasksWithLabels.length === 0) return [];
        const sum = tasksWithLabels.reduce((a, t) => a + weight(t), 0);
        let r = rng.float() * sum;
        for (const task of tasksWithLabels) {
          r -= weight(task);
          if (r < 0) return [task];
        }
        // Only reachable through rounding when r lands on the sum; the last task owns that edge.
        return [tasksWithLabels[tasksWithLabels.length - 1]];
      },
      combine(rawLosses) {
        const present = [...rawLosses.keys()].reduce((a, t) => a + weight(t), 0);
        return weightedSum(rawLosses, (t) => weight(t) / present);
      },
      logs: () => Object.fromEntries(ctx.tasks.map((t) => [`${t}_weight`, weight(t) / total])),
    };
  },
});
