/**
 * What a loss-weighting strategy is. A strategy is one file exporting a `LossWeighting` and one line
 * in index.ts; it owns its hyper-parameters, and the trainer never checks which strategy it runs.
 */
import type { z } from 'zod';
import type { ParamStore } from '../../model/params';
import { tf, type Scalar, type Tensor, type Variable } from '../../model/tf';
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

/** What a gradient-level strategy knows about the step besides the task gradients. */
export interface GradientStep {
  /** The trainer's seeded generator for this epoch (e.g. PCGrad's random task order). */
  rng: Rng;
  /** The shared parameters, i.e. every trainable parameter outside the task heads, in model order. */
  shared: readonly string[];
  /** The trainable parameters of the last shared layer (the encoder's deposit layer): GradNorm's W. */
  lastSharedLayer: readonly string[];
}

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
   * (of its raw loss, not weighted; a parameter the task does not reach has no entry) and applies the
   * returned gradients. `combine` still gives the step's reported loss and the validation loss.
   * Called inside `tf.tidy`: the result may reuse input tensors, and the trainer disposes inputs and
   * result together.
   */
  combineGradients?(perTask: ReadonlyMap<string, NamedGrads>, rawLosses: ReadonlyMap<string, number>, step: GradientStep): NamedGrads;
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
  options: z.ZodType<O, unknown>;
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

/**
 * Σₜ cₜ·gₜ per parameter over the tasks' gradients; a parameter sums over the tasks that reach it
 * (a head gets its own task's term only). `coefficient(task, param)` may depend on the parameter.
 */
export function weightedGradSum(perTask: ReadonlyMap<string, NamedGrads>, coefficient: (task: string, param: string) => number): NamedGrads {
  const terms = new Map<string, Tensor[]>();
  for (const [task, grads] of perTask) {
    for (const [param, g] of Object.entries(grads)) {
      const list = terms.get(param) ?? [];
      list.push(tf.mul(g, coefficient(task, param)));
      terms.set(param, list);
    }
  }
  return Object.fromEntries([...terms].map(([param, list]) => [param, list.length === 1 ? list[0] : tf.addN(list)]));
}

/** Sets a scalar variable (a strategy's stored state) without leaving a tensor behind. */
export function assignScalar(v: Variable, value: number): void {
  tf.tidy(() => v.assign(tf.scalar(value)));
}
