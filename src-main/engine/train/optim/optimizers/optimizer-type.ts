/**
 * What an optimiser is: the update rule one parameter group trains with (Adam, AdamW, delta-bar-delta, …).
 * An optimiser is one file exporting an `OptimizerType` and one line in index.ts; it owns its
 * hyper-parameters, which a config writes beside `optimizer_type` (the seed's flat OptimizerConfig keys).
 * The learning rate and weight decay belong to the group, so schedulers can change the rate between epochs.
 */
import type { z } from 'zod';
import type { Tensor, Variable } from '../../../model/tf';

/**
 * One parameter's optimiser state: the updates it has received and two buffers of the parameter's shape,
 * which each rule uses as it documents (Adam: first and second moments; delta-bar-delta: momentum and
 * gains). The fixed layout lets one checkpoint format hold every rule's state.
 */
export interface Slot {
  step: number;
  m: Variable;
  v: Variable;
}

/** A rule with its options applied, as one group uses it. */
export interface ParamUpdate {
  /** The value every entry of a new slot's `v` starts at (`m` starts at 0). */
  initialV: number;
  /**
   * Updates `p` in place from its gradient, inside `tf.tidy`; `slot.step` already counts this update.
   * `weightDecay` is the group's (the rule decides how it applies: L2 term or decoupled).
   */
  apply(p: Variable, grad: Tensor, slot: Slot, lr: number, weightDecay: number): void;
}

/**
 * An optimiser.
 *
 * @example
 * export const sgd = defineOptimizer({ id: 'sgd', label: 'Plain SGD', options: z.strictObject({}),
 *   create: () => ({ initialV: 0, apply: (p, g, _slot, lr) => p.assign(tf.sub(p, tf.mul(g, lr))) }) });
 */
export interface OptimizerType<S extends z.ZodObject = z.ZodObject> {
  /** Config id (`optimizer_type`), compared without case, spaces, hyphens or underscores (the seed writes `AdamW`). */
  id: string;
  label: string;
  /** The rule's own hyper-parameters with their defaults; the keys are config keys (snake_case). */
  options: S;
  create(options: z.output<S>): ParamUpdate;
}

export function defineOptimizer<S extends z.ZodObject>(optimizer: OptimizerType<S>): OptimizerType<S> {
  return optimizer;
}
