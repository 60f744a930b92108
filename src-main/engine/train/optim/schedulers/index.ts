/** Every learning-rate scheduler, by id, and the one place a group's scheduler is created. Adding one = one file + one line here. */
import { CrucibleError } from '../../../errors';
import { describeIssues } from '../../../util/zod-issues';
import { cosineScheduler } from './cosine';
import { constantScheduler } from './none';
import { reduceOnPlateauScheduler } from './reduce-on-plateau';
import type { LrScheduler, SchedulerContext, SchedulerType } from './scheduler';
import { stepScheduler } from './step';

export const schedulers: Record<string, SchedulerType> = Object.fromEntries(
  [constantScheduler, stepScheduler, cosineScheduler, reduceOnPlateauScheduler].map((s) => [s.id, s]),
);

export function schedulerType(id: string): SchedulerType | undefined {
  return Object.hasOwn(schedulers, id) ? schedulers[id] : undefined;
}

/**
 * Validates a scheduler config and creates it for one optimiser group.
 *
 * @example
 * const s = createScheduler('cosine', { eta_min: 1e-6 }, { baseLr: 1e-3, epochs: 100 });
 * // after each epoch: optimizer.setLr('encoder', s.step(logs));
 */
export function createScheduler(id: string, options: unknown, ctx: SchedulerContext): LrScheduler {
  const type = schedulerType(id);
  if (!type) {
    throw new CrucibleError('bad-config', `There is no learning-rate scheduler "${id}".`, { hint: `Use one of: ${Object.keys(schedulers).join(', ')}.` });
  }
  const parsed = type.options.safeParse(options ?? {});
  if (!parsed.success) {
    throw new CrucibleError('bad-config', `The options of scheduler "${id}" are invalid: ${describeIssues(parsed.error)}.`, {
      hint: 'Remove unknown keys and fix the values named.',
    });
  }
  return type.create(ctx, parsed.data);
}
