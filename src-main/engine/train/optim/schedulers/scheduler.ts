/**
 * What a learning-rate scheduler is. A scheduler type is one file exporting a `SchedulerType` and one
 * line in index.ts. Schedulers step once per epoch, as PyTorch's do, and each optimiser group has its own.
 */
import type { z } from 'zod';
import type { Logs } from '../../callbacks/callback';

export interface SchedulerContext {
  /** The group's configured learning rate (the rate of the first epoch). */
  baseLr: number;
  /** Epochs the run is configured for (a default horizon, e.g. cosine's T_max). */
  epochs: number;
}

/** A scheduler's state for resuming: plain numbers (null for "none yet"), safe to write as JSON. */
export type SchedulerState = Record<string, number | null>;

export interface LrScheduler {
  /** The learning rate of the coming epoch. */
  lr(): number;
  /** Ends an epoch given that epoch's logs; returns the next epoch's learning rate. */
  step(logs: Logs): number;
  state(): SchedulerState;
  loadState(state: SchedulerState): void;
}

/**
 * A learning-rate schedule.
 *
 * @example
 * export const constant = defineScheduler({ id: 'none', label: 'Constant', options: z.object({}).strict(),
 *   create: ({ baseLr }) => closedForm(() => baseLr) });
 */
export interface SchedulerType<S extends z.ZodObject = z.ZodObject> {
  /** Config id (`scheduler_type` in the seed): 'none', 'step', 'cosine', 'reduce_on_plateau'. */
  id: string;
  /** Further names `scheduler_type` accepts (PyTorch's class names, which the seed writes), compared without case, spaces, hyphens or underscores. */
  aliases?: readonly string[];
  label: string;
  /**
   * The schedule's options with their defaults (config keys in snake_case: `scheduler_options`). An option named
   * `monitor` names an epoch log, which the config translates from the seed's names.
   */
  options: S;
  /**
   * The seed's flat OptimizerConfig keys (`factor`, `min_lr`, …) this schedule reads under another name, e.g.
   * StepLR's `gamma` is the seed's `factor`. A flat key whose name is one of the options is read as it is.
   */
  seedKeys?: Readonly<Record<string, string>>;
  create(ctx: SchedulerContext, options: z.output<S>): LrScheduler;
}

export function defineScheduler<S extends z.ZodObject>(scheduler: SchedulerType<S>): SchedulerType<S> {
  return scheduler;
}

/** A scheduler whose rate is a function of the number of finished epochs (PyTorch's `last_epoch`). */
export function closedForm(lrAt: (epoch: number) => number): LrScheduler {
  let epoch = 0;
  return {
    lr: () => lrAt(epoch),
    step() {
      epoch += 1;
      return lrAt(epoch);
    },
    state: () => ({ epoch }),
    loadState(state) {
      epoch = state.epoch ?? 0;
    },
  };
}
