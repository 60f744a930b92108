/**
 * Momentum SGD with adaptive per-weight gains: the delta-bar-delta rule (R. A. Jacobs, "Increased rates
 * of convergence through learning rate adaptation", Neural Networks 1(4):295–307, 1988) in the form of
 * Hinton, Srivastava & Swersky's "Neural Networks for Machine Learning", lecture 6c (2012).
 */
import { tf, type Tensor, type Variable } from '../../model/tf';

/** The gain rule's hyper-parameters (the config's `momentum` and `gains` keys of a `delta_bar_delta` optimiser). */
export interface GainOptions {
  /** μ, the momentum of the SGD update; also the memory of δ̄ (default 0.9). */
  momentum: number;
  /** κ, added to a gain while its weight's gradient keeps its sign (lecture 6c: 0.05). */
  increment: number;
  /** φ, the factor a gain is multiplied by when the sign flips (lecture 6c: 0.95). */
  decay: number;
  /** Lower clip of every gain (lecture 6c: 0.1). */
  min: number;
  /** Upper clip of every gain (lecture 6c: 10). */
  max: number;
}

export const GAIN_DEFAULTS: GainOptions = { momentum: 0.9, increment: 0.05, decay: 0.95, min: 0.1, max: 10 };

/** One weight tensor's state: the momentum buffer m and the gains γ (1 before the first step). */
export interface GainSlot {
  m: Variable;
  gains: Variable;
}

/**
 * One update of parameter `p` from gradient g (weight decay already added as an L2 term). Per weight,
 * with m₀ = 0 and γ₀ = 1:
 *
 *   γₜ = clip(γₜ₋₁ + κ   if gₜ·mₜ₋₁ > 0,
 *             γₜ₋₁ · φ   if gₜ·mₜ₋₁ < 0,
 *             γₜ₋₁       otherwise,         to [min, max])
 *   mₜ = μ·mₜ₋₁ + γₜ·gₜ
 *   p ← p − lr·mₜ
 *
 * mₜ₋₁ is Jacobs's δ̄: an exponential trace of past (gain-scaled) gradients with memory μ, so "the
 * gradient keeps its sign" means it agrees with the recent direction of travel; with μ = 0 it is the
 * previous gradient itself and the rule compares consecutive gradients.
 *
 * @example gainUpdate(p, g, { m, gains }, 0.01, GAIN_DEFAULTS) // inside tf.tidy
 */
export function gainUpdate(p: Variable, g: Tensor, slot: GainSlot, lr: number, o: GainOptions): void {
  const agreement = tf.mul(g, slot.m);
  const next = tf.where(tf.greater(agreement, 0), tf.add(slot.gains, o.increment), tf.where(tf.less(agreement, 0), tf.mul(slot.gains, o.decay), slot.gains));
  const gains = tf.clipByValue(next, o.min, o.max);
  slot.gains.assign(gains);
  slot.m.assign(tf.add(tf.mul(slot.m, o.momentum), tf.mul(gains, g)));
  p.assign(tf.sub(p, tf.mul(slot.m, lr)));
}
