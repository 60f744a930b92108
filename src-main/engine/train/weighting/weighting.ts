/**
 * What a loss-weighting strategy is. A strategy is one file exporting a `LossWeighting` and one line
 * in index.ts; it owns its hyper-parameters, and the trainer never checks which strategy it runs.
 */
import type { z } from 'zod';
import type { ParamStore } from '../../model/params';
import { tf, type Scalar, type Tensor } from '../../model/tf';
import type { Rng } from '../../util/random';

/** ParamStore group of a strategy's learnable parameters (trained by the encoder's optimiser group by default). */
export const WEIGHTING_GROUP = 'weighting';

export interface WeightingContext {
  /** The tasks the strategy weighs, in config order: every task whose static weight is above 0. */
  tasks: readonly string[];
  /** Static loss weight wₜ of each task (the seed's `loss_weight`, default 1). */
  weights: ReadonlyMap<string, number>;
  /** Where learnable weighting parameters live (group {@link WEIGHTING_GROUP}), so checkpoints carry them. */
  store: ParamStore;
}

/** Gradients by parameter name, as `ParamStore.variableGrads` returns them. */
export type NamedGrads = Record<string, Tensor>;

/** A strategy's live state for one training run. */
export interface WeightingInstance {
  /**
   * The total loss from this step's raw task losses, called inside the gradient tape (and on validation
   * batches). Only the tasks present in the map count: a task without labels in the batch, or not
   * selected this step, is simply absent. An empty map gives 0.
   */
  combine(rawLosses: ReadonlyMap<string, Scalar>): Scalar;
  /**
   * Which tasks this step trains, among the strategy's tasks that have labels in the batch (in task
   * order). Absent: all of them. `rng` is the trainer's seeded generator for this epoch, so a resumed
   * run draws the same tasks.
   */
  selectTasks?(step: number, rng: Rng, tasksWithLabels: readonly string[]): string[];
  /** Numbers to record at the end of an epoch, e.g. `{ band_gap_sigma: 0.8, band_gap_weight: 0.78 }`. */
  logs(): Record<string, number>;
  /** Mean raw loss of each task over the finished epoch (for strategies such as DWA that adapt per epoch). */
  onEpochEnd?(epochLosses: ReadonlyMap<string, number>): void;
  /**
   * Gradient-level strategies (GradNorm, PCGrad, …) implement this instead of relying on the gradient
   * of `combine`: the trainer then takes one tape per selected task, passes each task's gradients
   * (raw loss, not weighted) and applies the returned gradients. The input maps stay owned by the trainer.
   */
  combineGradients?(perTask: ReadonlyMap<string, NamedGrads>, rawLosses: ReadonlyMap<string, number>): NamedGrads;
}

/**
 * A loss-weighting strategy.
 *
 * @example
 * export const equalWeighting = defineWeighting({
 *   id: 'equal', label: 'Equal weights', options: z.object({}).strict(),
 *   create: (ctx) => ({ combine: (losses) => tf.addN([...losses.values()]), logs: () => ({}) }),
 * });
 */
export interface LossWeighting<O extends object = object> {
  /** Short id, stored as `weighting.id` in the project file. */
  id: string;
  label: string;
  /** The strategy's own hyper-parameters with their defaults (config keys in snake_case). */
  options: z.ZodType<O, any>;
  create(ctx: WeightingContext, options: O): WeightingInstance;
}

/** Helper for the registry: keeps each strategy's option type while storing them side by side. */
export function defineWeighting<O extends object>(weighting: LossWeighting<O>): LossWeighting<O> {
  return weighting;
}

/** The weighted sum Σ cₜ·Lₜ over the tasks present, for strategies whose coefficients are plain numbers. */
export function weightedSum(rawLosses: ReadonlyMap<string, Scalar>, coefficient: (task: string) => number): Scalar {
  const terms = [...rawLosses].map(([task, loss]) => tf.mul(loss, coefficient(task)));
  return (terms.length ? tf.addN(terms) : tf.scalar(0)) as Scalar;
}
