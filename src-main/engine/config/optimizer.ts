/**
 * Optimiser settings: the seed's OptimizerConfig with its defaults filled in, the optimiser's and the scheduler's
 * own options checked by their registries, and back again for dumping.
 */
import type { z } from 'zod';
import { optimizers, optimizerType } from '../train/optim/optimizers/index';
import { schedulerType } from '../train/optim/schedulers/index';
import { DEFAULT_LEARNING_RATE } from '../vocabulary';
import { addNotice, checkWith, configError, formatPath, keyRef, type ConfigScope, type KeyPath } from './problems';
import { FLAT_OPTIMIZER_KEYS, FLAT_SCHEDULER_KEYS, type OptimizerConfig } from './schema';
import type { OptimizerSettings, SchedulerSettings } from './types';

/** The seed's OptimizerConfig defaults. */
const DEFAULT_OPTIMIZER = 'adamw';
const DEFAULT_SCHEDULER = 'reduce_on_plateau';

/**
 * The seed's defaults of its flat scheduler keys where they differ from PyTorch's (the schedulers' own): they
 * apply to a scheduler that reads the key, unless the option is given either way.
 */
const SEED_SCHEDULER_DEFAULTS: Partial<Record<(typeof FLAT_SCHEDULER_KEYS)[number], unknown>> = { factor: 0.5, patience: 5, min_lr: 1e-4 };

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

/** Each option given: its value, the key path it was written at, and whether that is a flat key. */
type Given = Map<string, { value: unknown; path: KeyPath; flat: boolean }>;

/**
 * Checks the options gathered from flat keys and from the `*_options` mapping at `nestedPath` with the schema of
 * their optimiser or scheduler; a failure is reported at the flat keys' parent or in the mapping, wherever the
 * first failing option was written.
 */
function checkOptions(
  scope: ConfigScope,
  schema: z.ZodObject,
  given: Given,
  nestedPath: KeyPath,
  parentPath: KeyPath,
  subject: string,
): Record<string, unknown> {
  const input = Object.fromEntries([...given].map(([name, g]) => [name, g.value]));
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = given.get(String(parsed.error.issues[0]?.path[0]));
  return checkWith(scope, schema, input, first?.flat ? parentPath : nestedPath, subject);
}

/** Adds the options of the `*_options` mapping at `nestedPath`; one also given as a flat key is an error. */
function addNested(scope: ConfigScope, given: Given, nested: Record<string, unknown> | undefined, nestedPath: KeyPath): void {
  for (const [name, value] of Object.entries(nested ?? {})) {
    const path = [...nestedPath, name];
    const flat = given.get(name);
    if (flat) throw configError(scope, path, `${formatPath(path)} sets the same option as ${keyRef(scope, flat.path)}.`, 'Keep one of them.');
    given.set(name, { value, path, flat: false });
  }
}

/** Fills in the optimiser at `path` (absent = all defaults); `weightDecay` is the default weight decay. */
export function resolveOptimizer(scope: ConfigScope, path: KeyPath, raw: OptimizerConfig | null | undefined, weightDecay: number): OptimizerSettings {
  const o = raw ?? {};
  const type = optimizerType(o.optimizer_type ?? DEFAULT_OPTIMIZER)!;
  const given: Given = new Map();
  for (const key of FLAT_OPTIMIZER_KEYS) {
    if (o[key] === undefined) continue;
    if (Object.hasOwn(type.options.shape, key)) given.set(key, { value: o[key], path: [...path, key], flat: true });
    else {
      const readers = Object.values(optimizers).filter((t) => Object.hasOwn(t.options.shape, key));
      addNotice(scope, [...path, key], `${key} applies to optimizer_type ${readers.map((t) => t.id).join(' and ')} only; the ${type.id} optimiser ignores it.`);
    }
  }
  const nestedPath = [...path, 'optimizer_options'];
  addNested(scope, given, o.optimizer_options, nestedPath);
  return {
    type: type.id,
    options: checkOptions(scope, type.options, given, nestedPath, path, `optimiser "${type.id}"`),
    lr: o.lr ?? DEFAULT_LEARNING_RATE.config,
    weightDecay: o.weight_decay ?? weightDecay,
    freeze: o.freeze_parameters ?? false,
    scheduler: resolveScheduler(scope, path, o),
  };
}

/** The scheduler at `path`: the seed's flat keys it reads (with the seed's defaults), then its `scheduler_options`. */
function resolveScheduler(scope: ConfigScope, path: KeyPath, o: OptimizerConfig): SchedulerSettings {
  const type = schedulerType(o.scheduler_type === undefined ? DEFAULT_SCHEDULER : (o.scheduler_type ?? 'none'))!;
  const given: Given = new Map();
  const seedDefaults = new Map<string, unknown>();
  for (const key of FLAT_SCHEDULER_KEYS) {
    const name = type.seedKeys?.[key] ?? key;
    if (!Object.hasOwn(type.options.shape, name)) continue;
    if (o[key] !== undefined) given.set(name, { value: o[key], path: [...path, key], flat: true });
    else if (SEED_SCHEDULER_DEFAULTS[key] !== undefined) seedDefaults.set(name, SEED_SCHEDULER_DEFAULTS[key]);
  }
  const nestedPath = [...path, 'scheduler_options'];
  addNested(scope, given, o.scheduler_options, nestedPath);
  for (const [name, value] of seedDefaults) if (!given.has(name)) given.set(name, { value, path: [...nestedPath, name], flat: false });
  const options = checkOptions(scope, type.options, given, nestedPath, path, `scheduler "${type.id}"`);
  if (typeof options.monitor === 'string') options.monitor = canonicalMonitor(scope, given.get('monitor')?.path ?? [...path, 'monitor'], options.monitor);
  return { type: type.id, options };
}

/** The config form of `settings`, every value explicit. */
export function optimizerConfig(settings: OptimizerSettings): OptimizerConfig {
  return {
    optimizer_type: settings.type,
    lr: settings.lr,
    weight_decay: settings.weightDecay,
    freeze_parameters: settings.freeze,
    optimizer_options: settings.options,
    scheduler_type: settings.scheduler.type,
    scheduler_options: settings.scheduler.options,
  };
}
