/**
 * Momentum SGD with adaptive per-weight gains: the delta-bar-delta rule (R. A. Jacobs, "Increased rates
 * of convergence through learning rate adaptation", Neural Networks 1(4):295–307, 1988) in the form of
 * Hinton, Srivastava & Swersky's "Neural Networks for Machine Learning", lecture 6c (2012).
 */
import { z } from 'zod';
import { tf } from '../../../model/tf';
import { defineOptimizer } from './optimizer-type';

const gainsOrder = (g: { min: number; max: number }) => `the gains' min (${g.min}) is above their max (${g.max}); give min ≤ max, e.g. 0.1 and 10`;

/**
 * Per weight, with gradient g (weight decay added as an L2 term, g + wd·p), m₀ = 0 and γ₀ = 1:
 *
 *   γₜ = clip(γₜ₋₁ + κ   if gₜ·mₜ₋₁ > 0,
 *             γₜ₋₁ · φ   if gₜ·mₜ₋₁ < 0,
 *             γₜ₋₁       otherwise,         to [min, max])
 *   mₜ = μ·mₜ₋₁ + γₜ·gₜ
 *   p ← p − lr·mₜ
 *
 * mₜ₋₁ is Jacobs's δ̄: an exponential trace of past (gain-scaled) gradients with memory μ, so "the
 * gradient keeps its sign" means it agrees with the recent direction of travel; with μ = 0 it is the
 * previous gradient itself and the rule compares consecutive gradients. The slot's `m` is the momentum
 * buffer, its `v` the gains.
 *
 * @example optimizer: { optimizer_type: delta_bar_delta, lr: 0.01, momentum: 0.9, gains: { increment: 0.05, decay: 0.95, min: 0.1, max: 10 } }
 */
export const deltaBarDeltaOptimizer = defineOptimizer({
  id: 'delta_bar_delta',
  label: 'Momentum SGD with delta-bar-delta gains',
  options: z.strictObject({
    /** μ, the momentum of the SGD update; also the memory of δ̄. */
    momentum: z.number().min(0).lt(1).default(0.9),
    /** Lecture 6c's values: κ = 0.05 added while the sign holds, φ = 0.95 on a flip, gains within [0.1, 10]. */
    gains: z
      .strictObject({
        increment: z.number().nonnegative().default(0.05),
        decay: z.number().gt(0).max(1).default(0.95),
        min: z.number().positive().default(0.1),
        max: z.number().positive().default(10),
      })
      .refine((g) => g.min <= g.max, { path: ['min'], error: (issue) => gainsOrder(issue.input as { min: number; max: number }) })
      .prefault({}),
  }),
  create: (o) => ({
    initialV: 1,
    apply(p, grad, slot, lr, weightDecay) {
      const g = weightDecay > 0 ? tf.add(grad, tf.mul(p, weightDecay)) : grad;
      const agreement = tf.mul(g, slot.m);
      const grown = tf.where(
        tf.greater(agreement, 0),
        tf.add(slot.v, o.gains.increment),
        tf.where(tf.less(agreement, 0), tf.mul(slot.v, o.gains.decay), slot.v),
      );
      const gains = tf.clipByValue(grown, o.gains.min, o.gains.max);
      slot.v.assign(gains);
      slot.m.assign(tf.add(tf.mul(slot.m, o.momentum), tf.mul(gains, g)));
      p.assign(tf.sub(p, tf.mul(slot.m, lr)));
    },
  }),
});
