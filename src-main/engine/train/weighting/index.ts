/** Every loss-weighting strategy, by id, and the one place a run's strategy is created. Adding a strategy = one file + one line here. */
import { CrucibleError } from '../../errors';
import type { ParamStore } from '../../model/params';
import type { Scalar } from '../../model/tf';
import { describeIssues } from '../../util/zod-issues';
import type { Rng } from '../../util/random';
import { dwaWeighting } from './dwa';
import { gradNormWeighting } from './gradnorm';
import { pcGradWeighting } from './pcgrad';
import { staticWeighting } from './static';
import { taskSamplingWeighting } from './task-sampling';
import { uncertaintyWeighting } from './uncertainty';
import type { LossWeighting, WeightingInstance } from './weighting';

export const weightings: Record<string, LossWeighting<Record<string, unknown>>> = Object.fromEntries(
  [staticWeighting, uncertaintyWeighting, taskSamplingWeighting, gradNormWeighting, dwaWeighting, pcGradWeighting].map((w) => [w.id, w]),
);

export function weightingStrategy(id: string): LossWeighting<Record<string, unknown>> | undefined {
  return Object.hasOwn(weightings, id) ? weightings[id] : undefined;
}

/** A created strategy as the trainer uses it: every hook present, tasks with weight 0 already removed. */
export interface Weighting {
  readonly id: string;
  /** The tasks that train (static weight above 0), in config order. */
  readonly tasks: readonly string[];
  /** Total loss over the tasks present; losses of tasks outside `tasks` are ignored. See {@link WeightingInstance.combine}. */
  combine(rawLosses: ReadonlyMap<string, Scalar>): Scalar;
  /** The tasks to train this step, among `tasksWithLabels` (any order in, task order out). */
  selectTasks(step: number, rng: Rng, tasksWithLabels: Iterable<string>): string[];
  logs(): Record<string, number>;
  onEpochEnd(epochLosses: ReadonlyMap<string, number>): void;
  /** Present only for gradient-level strategies; see {@link WeightingInstance.combineGradients}. */
  combineGradients?: WeightingInstance['combineGradients'];
}

export interface CreateWeightingArgs {
  /** Strategy id, e.g. 'uncertainty'. */
  id: string;
  /** The strategy's options as written in the config; defaults fill what is missing. */
  options?: unknown;
  /** Every task with its static loss weight wₜ ≥ 0, in config order. */
  weights: ReadonlyMap<string, number>;
  store: ParamStore;
}

/**
 * Validates the strategy and its options and creates it for a run.
 *
 * @example
 * const w = createWeighting({ id: 'uncertainty', weights: new Map([['gap', 1], ['metal', 0.5]]), store: model.store });
 * const tasks = w.selectTasks(step, rng, tasksWithLabels);
 * const { value, grads } = model.store.variableGrads(() => w.combine(rawLossesOf(tasks)), optimizer.variables());
 */
export function createWeighting(args: CreateWeightingArgs): Weighting {
  const strategy = weightingStrategy(args.id);
  if (!strategy) {
    throw new CrucibleError('bad-config', `There is no loss weighting "${args.id}".`, { hint: `Use one of: ${Object.keys(weightings).join(', ')}.` });
  }
  for (const [task, w] of args.weights) {
    if (!Number.isFinite(w) || w < 0) {
      throw new CrucibleError('bad-config', `Task "${task}" has loss weight ${w}; it must be a number of at least 0.`, {
        hint: 'Use 1 for a normal task, 0 to leave it out of training.',
      });
    }
  }
  const tasks = [...args.weights].filter(([, w]) => w > 0).map(([t]) => t);
  if (tasks.length === 0) {
    throw new CrucibleError('bad-config', 'Every task has loss weight 0, so nothing would train.', { hint: 'Give at least one task a loss weight above 0.' });
  }
  const parsed = strategy.options.safeParse(args.options ?? {});
  if (!parsed.success) {
    throw new CrucibleError('bad-config', `The options of loss weighting "${args.id}" are invalid: ${describeIssues(parsed.error)}.`, {
      hint: 'Remove unknown keys and fix the values named.',
    });
  }
  const active = new Set(tasks);
  const instance = strategy.create({ tasks, weights: args.weights, store: args.store }, parsed.data);
  return {
    id: strategy.id,
    tasks,
    combine: (rawLosses) => instance.combine(new Map([...rawLosses].filter(([t]) => active.has(t)))),
    selectTasks(step, rng, tasksWithLabels) {
      const labelled = new Set(tasksWithLabels);
      const candidates = tasks.filter((t) => labelled.has(t));
      return instance.selectTasks ? instance.selectTasks(step, rng, candidates) : candidates;
    },
    logs: () => instance.logs(),
    onEpochEnd: (epochLosses) => instance.onEpochEnd?.(epochLosses),
    ...(instance.combineGradients ? { combineGradients: instance.combineGradients.bind(instance) } : {}),
  };
}
