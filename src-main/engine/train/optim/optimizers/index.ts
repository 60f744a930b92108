/** Every optimiser, by id, and the one place a group's update rule is created. Adding one = one file + one line here. */
import { CrucibleError } from '../../../errors';
import { describeIssues } from '../../../util/zod-issues';
import { adamOptimizer } from './adam';
import { adamwOptimizer } from './adamw';
import { deltaBarDeltaOptimizer } from './delta-bar-delta';
import type { OptimizerType, ParamUpdate } from './optimizer-type';

export const optimizers: Record<string, OptimizerType> = Object.fromEntries([adamOptimizer, adamwOptimizer, deltaBarDeltaOptimizer].map((o) => [o.id, o]));

export function optimizerType(id: string): OptimizerType | undefined {
  return Object.hasOwn(optimizers, id) ? optimizers[id] : undefined;
}

/**
 * Validates an optimiser and its options and creates its update rule for one group.
 *
 * @example createUpdate('delta_bar_delta', { momentum: 0.8 }) // gains at lecture 6c's defaults
 */
export function createUpdate(id: string, options: unknown): ParamUpdate {
  const type = optimizerType(id);
  if (!type) throw new CrucibleError('bad-config', `There is no optimiser "${id}".`, { hint: `Use one of: ${Object.keys(optimizers).join(', ')}.` });
  const parsed = type.options.safeParse(options ?? {});
  if (!parsed.success) {
    throw new CrucibleError('bad-config', `The options of optimiser "${id}" are invalid: ${describeIssues(parsed.error)}.`, {
      hint: 'Remove unknown keys and fix the values named.',
    });
  }
  return type.create(parsed.data);
}
