/**
 * Homoscedastic-uncertainty weighting (Kendall, Gal & Cipolla, "Multi-Task Learning Using Uncertainty
 * to Weigh Losses for Scene Geometry and Semantics", CVPR 2018), in the seed's form.
 */
import { z } from 'zod';
import { tf, type Scalar, type Variable } from '../../model/tf';
import { WEIGHTING_GROUP, defineWeighting } from './weighting';

/**
 * Each task gets a learnable log σₜ (group 'weighting', initial value `init_log_sigma`) and contributes
 * `L'ₜ = ½·wₜ·exp(−2·log σₜ)·Lₜ + log σₜ`; the total is Σ L'ₜ over the tasks present in the batch.
 * Logs `<task>_sigma` (σₜ) and `<task>_weight` (the effective ½·wₜ·σₜ⁻²) each epoch.
 *
 * @example weighting: { id: 'uncertainty', init_log_sigma: 0 }
 */
export const uncertaintyWeighting = defineWeighting({
  id: 'uncertainty',
  label: 'Uncertainty weighting (Kendall et al. 2018)',
  options: z
    .object({
      /** Initial log σₜ of every task; 0 (σ = 1) as in the seed. */
      init_log_sigma: z.number().finite().default(0),
    })
    .strict(),
  create(ctx, options) {
    const logSigma = new Map<string, Variable>();
    for (const task of ctx.tasks) {
      const name = `weighting.log_sigma.${task}`;
      // Reuse on a second creation over the same store (e.g. weights loaded before the strategy is rebuilt).
      logSigma.set(
        task,
        ctx.store.has(name) ? ctx.store.get(name) : ctx.store.create(name, [], { values: Float32Array.of(options.init_log_sigma) }, WEIGHTING_GROUP),
      );
    }
    return {
      combine(rawLosses) {
        const terms = [...rawLosses].map(([task, loss]) => {
          const s = logSigma.get(task)!;
          return tf.add(tf.mul(tf.mul(tf.exp(tf.mul(s, -2)), 0.5 * ctx.weights.get(task)!), loss), s);
        });
        return (terms.length ? tf.addN(terms) : tf.scalar(0)) as Scalar;
      },
      logs() {
        const out: Record<string, number> = {};
        for (const [task, v] of logSigma) {
          const s = v.dataSync()[0];
          out[`${task}_sigma`] = Math.exp(s);
          out[`${task}_weight`] = 0.5 * ctx.weights.get(task)! * Math.exp(-2 * s);
        }
        return out;
      },
    };
  },
});
