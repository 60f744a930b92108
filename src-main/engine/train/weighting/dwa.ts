/**
 * Dynamic Weight Average (Liu, Johns & Davison, "End-to-End Multi-Task Learning with Attention",
 * CVPR 2019, eq. 7): task weights from how fast each task's loss fell over the last two epochs.
 */
import { z } from 'zod';
import type { Variable } from '../../model/tf';
import { WEIGHTING_GROUP, assignScalar, defineWeighting, weightedSum } from './weighting';

/**
 * With Lₖ(e) the mean raw training loss of task k over epoch e and K tasks, epoch t uses
 *
 *   rₖ = Lₖ(t−1) / Lₖ(t−2),   λₖ(t) = K·exp(rₖ/T) / Σᵢ exp(rᵢ/T),
 *
 * and λₖ = 1 while fewer than two epochs have finished (the paper's initialisation). A task whose loss
 * falls slowly (r near 1 or above) gets more weight; the temperature T softens the differences (T → ∞
 * gives equal weights). The total is Σₖ wₖ·λₖ·Lₖ with the static loss weights wₖ. The last two epoch
 * losses live in the ParamStore (group 'weighting', frozen to the optimiser), so a resumed run keeps
 * its weights. Logs `<task>_weight` (wₖ·λₖ) each epoch.
 *
 * @example weighting: { strategy: dwa, options: { temperature: 2 } }
 */
export const dwaWeighting = defineWeighting({
  id: 'dwa',
  label: 'Dynamic Weight Average (Liu et al. 2019)',
  options: z
    .object({
      /** Temperature T of the softmax over loss ratios; the paper uses 2. */
      temperature: z.number().positive().default(2),
    })
    .strict(),
  create(ctx, options) {
    const variable = (name: string): Variable => (ctx.store.has(name) ? ctx.store.get(name) : ctx.store.create(name, [], 'zeros', WEIGHTING_GROUP));
    // 0 = no such epoch yet (a mean training loss is positive).
    const last = new Map(ctx.tasks.map((t) => [t, variable(`weighting.dwa_last_loss.${t}`)]));
    const beforeLast = new Map(ctx.tasks.map((t) => [t, variable(`weighting.dwa_before_last_loss.${t}`)]));
    ctx.store.setFrozen((s) => s.name.startsWith('weighting.dwa_'));
    const read = (v: Variable) => v.dataSync()[0];

    /** λₖ for every task, from the stored epoch losses. */
    const lambdas = (): Map<string, number> => {
      const ratios = ctx.tasks.map((t) => {
        const [a, b] = [read(last.get(t)!), read(beforeLast.get(t)!)];
        return a > 0 && b > 0 ? a / b : undefined;
      });
      if (ratios.some((r) => r === undefined)) return new Map(ctx.tasks.map((t) => [t, 1]));
      // Subtracting the largest exponent keeps exp finite; it cancels in the ratio.
      const top = Math.max(...ratios.map((r) => r! / options.temperature));
      const e = ratios.map((r) => Math.exp(r! / options.temperature - top));
      const sum = e.reduce((x, y) => x + y, 0);
      return new Map(ctx.tasks.map((t, i) => [t, (ctx.tasks.length * e[i]) / sum]));
    };
    // Read from the store on each use: a resumed run loads the epoch losses after the strategy is created.
    const coefficients = (): Map<string, number> => new Map([...lambdas()].map(([t, l]) => [t, ctx.weights.get(t)! * l]));

    return {
      combine(rawLosses) {
        const c = coefficients();
        return weightedSum(rawLosses, (t) => c.get(t)!);
      },
      onEpochEnd(epochLosses) {
        for (const task of ctx.tasks) {
          const loss = epochLosses.get(task);
          // A task with no labelled batch this epoch keeps its history.
          if (loss === undefined || !(loss > 0)) continue;
          assignScalar(beforeLast.get(task)!, read(last.get(task)!));
          assignScalar(last.get(task)!, loss);
        }
      },
      logs: () => Object.fromEntries([...coefficients()].map(([t, c]) => [`${t}_weight`, c])),
    };
  },
});
