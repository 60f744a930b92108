/** Optimiser settings: the seed's OptimizerConfig with its defaults filled in, and back again for dumping. */
import { VAL_TASK_LOSS } from '../train/metrics';
import { GAIN_DEFAULTS } from '../train/optim/delta-bar-delta';
import { addNotice, configError, type ConfigScope, type KeyPath } from './problems';
import type { OptimizerConfig } from './schema';
import type { GainSettings, OptimizerSettings, SchedulerSettings } from './types';

/**
 * The seed's OptimizerConfig defaults, except the plateau monitor: the tasks' mean raw validation loss,
 * which (unlike the weighted `val_final_loss`) does not rise when learned task weights grow.
 */
const DEFAULTS = {
  optimizer_type: 'adamw',
  lr: 5e-3,
  eps: 1e-6,
  betas: [0.9, 0.999] as [number, number],
  scheduler_type: 'reduce_on_plateau',
  mode: 'min',
  factor: 0.5,
  patience: 5,
  min_lr: 1e-4,
  monitor: VAL_TASK_LOSS,
  step_size: 10,
} as const;

/** Default weight decay of the heads (the seed's OptimizerConfig()) and of the shared block (OptimizerConfig(weight_decay=1e-2)). */
export const HEAD_WEIGHT_DECAY = 1e-3;
export const ENCODER_WEIGHT_DECAY = 1e-2;

/** The seed's names for the summed losses, which Crucible logs as `train_final_loss` / `val_final_loss`. */
const MONITOR_ALIASES: Record<string, string> = {
  train_loss: 'train_final_loss',
  train_total_loss: 'train_final_loss',
  val_loss: 'val_final_loss',
  val_total_loss: 'val_final_loss',
};

/** The metric Crucible logs for the monitor `name` at `path` (seed names of the total loss are translated, with a notice). */
export function canonicalMonitor(scope: ConfigScope, path: KeyPath, name: string): string {
  const alias = MONITOR_ALIASES[name];
  if (alias === undefined) return name;
  addNotice(scope, path, `The seed's "${name}" is Crucible's "${alias}"; monitoring that.`);
  return alias;
}

/**
 * Fills in the optimiser at `path` (absent = all defaults); `weightDecay` is the default weight decay,
 * `maxEpochs` the default cosine period.
 */
export function resolveOptimizer(
  scope: ConfigScope,
  path: KeyPath,
  raw: OptimizerConfig | null | undefined,
  weightDecay: number,
  maxEpochs: number,
): OptimizerSettings {
  const o = raw ?? {};
  const type = o.optimizer_type ?? DEFAULTS.optimizer_type;
  const gains = type === 'delta_bar_delta' ? resolveGains(scope, path, o) : undefined;
  if (!gains && (o.momentum !== undefined || o.gains !== undefined)) {
    addNotice(
      scope,
      [...path, o.gains !== undefined ? 'gains' : 'momentum'],
      `momentum and gains apply to optimizer_type delta_bar_delta only; the ${type} optimiser ignores them.`,
    );
  }
  return {
    type,
    lr: o.lr ?? DEFAULTS.lr,
    weightDecay: o.weight_decay ?? weightDecay,
    eps: o.eps ?? DEFAULTS.eps,
    betas: o.betas ?? [...DEFAULTS.betas],
    freeze: o.freeze_parameters ?? false,
    scheduler: resolveScheduler(scope, path, o, maxEpochs),
    ...(gains && { gains }),
  };
}

function resolveGains(scope: ConfigScope, path: KeyPath, o: OptimizerConfig): GainSettings {
  const g = o.gains ?? {};
  const gains = {
    momentum: o.momentum ?? GAIN_DEFAULTS.momentum,
    increment: g.increment ?? GAIN_DEFAULTS.increment,
    decay: g.decay ?? GAIN_DEFAULTS.decay,
    min: g.min ?? GAIN_DEFAULTS.min,
    max: g.max ?? GAIN_DEFAULTS.max,
  };
  if (gains.min > gains.max) {
    throw configError(
      scope,
      [...path, 'gains', g.max !== undefined ? 'max' : 'min'],
      `The gains' min (${gains.min}) is above their max (${gains.max}).`,
      'Give min ≤ max, e.g. min 0.1 and max 10.',
    );
  }
  return gains;
}

function resolveScheduler(scope: ConfigScope, path: KeyPath, o: OptimizerConfig, maxEpochs: number): SchedulerSettings {
  const type = o.scheduler_type === undefined ? DEFAULTS.scheduler_type : (o.scheduler_type ?? 'none');
  const factor = o.factor ?? DEFAULTS.factor;
  const minLr = o.min_lr ?? DEFAULTS.min_lr;
  switch (type) {
    case 'none':
      return { type };
    case 'step':
      return { type, stepSize: o.step_size ?? DEFAULTS.step_size, gamma: factor };
    case 'cosine':
      return { type, tMax: o.t_max ?? maxEpochs, minLr };
    case 'reduce_on_plateau':
      return {
        type,
        mode: o.mode ?? DEFAULTS.mode,
        factor,
        patience: o.patience ?? DEFAULTS.patience,
        minLr,
        monitor: canonicalMonitor(scope, [...path, 'monitor'], o.monitor ?? DEFAULTS.monitor),
      };
  }
}

/** The config form of `settings`, every value explicit. */
export function optimizerConfig(settings: OptimizerSettings): OptimizerConfig {
  const base = {
    optimizer_type: settings.type,
    lr: settings.lr,
    weight_decay: settings.weightDecay,
    eps: settings.eps,
    betas: settings.betas,
    freeze_parameters: settings.freeze,
    ...(settings.gains && {
      momentum: settings.gains.momentum,
      gains: { increment: settings.gains.increment, decay: settings.gains.decay, min: settings.gains.min, max: settings.gains.max },
    }),
  };
  const s = settings.scheduler;
  switch (s.type) {
    case 'none':
      return { ...base, scheduler_type: s.type };
    case 'step':
      return { ...base, scheduler_type: s.type, step_size: s.stepSize, factor: s.gamma };
    case 'cosine':
      return { ...base, scheduler_type: s.type, t_max: s.tMax, min_lr: s.minLr };
    case 'reduce_on_plateau':
      return { ...base, scheduler_type: s.type, mode: s.mode, factor: s.factor, patience: s.patience, min_lr: s.minLr, monitor: s.monitor };
  }
}
