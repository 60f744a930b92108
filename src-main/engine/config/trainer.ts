/**
 * The `trainer` section: Crucible's keys, the Lightning callbacks that carry meaning here (EarlyStopping,
 * ModelCheckpoint), and the Lightning switches that are accepted and reported as ignored.
 */
import { suggestionHint } from '../util/suggest';
import { canonicalMonitor } from './optimizer';
import { addNotice, checkWith, configError, formatPath, keyRef, type ConfigScope, type KeyPath } from './problems';
import { AUTO_PATIENCE, CALLBACK_ARGS, CHECKPOINT_FILE_KEYS, IGNORED_CALLBACKS, IGNORED_TRAINER_KEYS, PER_TASK_MONITOR, type RunConfig } from './schema';
import type { ResolvedTrainer } from './types';

type TrainerConfig = RunConfig['trainer'];
type EarlyStopping = NonNullable<ResolvedTrainer['earlyStopping']>;
type Checkpoint = ResolvedTrainer['checkpoint'];

const BASE = ['trainer'] as const;
const DEVICE_KEYS: readonly string[] = ['accelerator', 'devices', 'num_nodes', 'strategy', 'precision'];

interface FromCallbacks {
  earlyStopping?: { path: KeyPath; value: EarlyStopping };
  checkpoint?: { path: KeyPath; value: Checkpoint };
}

function readCallbacks(scope: ConfigScope, callbacks: TrainerConfig['callbacks']): FromCallbacks {
  const found: FromCallbacks = {};
  (callbacks ?? []).forEach((callback, i) => {
    const path = [...BASE, 'callbacks', i];
    const name = callback.class_path.split('.').pop() ?? '';
    if (IGNORED_CALLBACKS.includes(name)) {
      addNotice(scope, [...path, 'class_path'], `Crucible draws its own progress and learning-rate curves; the ${name} callback is ignored.`);
      return;
    }
    if (name !== 'EarlyStopping' && name !== 'ModelCheckpoint') {
      throw configError(
        scope,
        [...path, 'class_path'],
        `${formatPath([...path, 'class_path'])} is "${callback.class_path}", a callback Crucible does not run.`,
        suggestionHint(name, [...Object.keys(CALLBACK_ARGS), ...IGNORED_CALLBACKS], 'callback'),
      );
    }
    const argsPath = [...path, 'init_args'];
    if (found[name === 'EarlyStopping' ? 'earlyStopping' : 'checkpoint']) {
      throw configError(scope, [...path, 'class_path'], `Two ${name} callbacks are configured.`, 'Keep one.');
    }
    if (name === 'EarlyStopping') {
      const a = checkWith(scope, CALLBACK_ARGS.EarlyStopping, callback.init_args ?? {}, argsPath);
      // Lightning's EarlyStopping defaults: patience 3, min_delta 0, mode min.
      found.earlyStopping = {
        path,
        value: {
          monitor: canonicalMonitor(scope, [...argsPath, 'monitor'], a.monitor ?? 'val_final_loss'),
          patience: a.patience ?? 3,
          minDelta: a.min_delta ?? 0,
          mode: a.mode ?? 'min',
        },
      };
    } else {
      const a = checkWith(scope, CALLBACK_ARGS.ModelCheckpoint, callback.init_args ?? {}, argsPath);
      for (const key of CHECKPOINT_FILE_KEYS) {
        if (a[key as keyof typeof a] !== undefined)
          addNotice(scope, [...argsPath, key], `Crucible keeps the best and the last checkpoint in the run folder; ${key} is ignored.`);
      }
      found.checkpoint = { path, value: { monitor: canonicalMonitor(scope, [...argsPath, 'monitor'], a.monitor ?? 'val_final_loss'), mode: a.mode ?? 'min' } };
    }
  });
  return found;
}

/** One setting given both by a Crucible key and by a Lightning callback is an error. */
function either<T>(scope: ConfigScope, key: string, own: T | undefined, callback: { path: KeyPath; value: T } | undefined): T | undefined {
  if (own !== undefined && callback) {
    throw configError(scope, callback.path, `${keyRef(scope, [...BASE, key])} and this callback both configure the same thing.`, 'Keep one of the two.');
  }
  // An explicit null (e.g. early_stopping: null, "off") is kept, not replaced by the default.
  return own !== undefined ? own : callback?.value;
}

export function resolveTrainer(scope: ConfigScope, t: TrainerConfig): ResolvedTrainer {
  for (const key of IGNORED_TRAINER_KEYS) {
    if (t[key] === undefined) continue;
    const why = DEVICE_KEYS.includes(key) ? 'choose the compute backend with the top-level "backend" key' : 'Crucible has no such setting';
    addNotice(scope, [...BASE, key], `Lightning's ${key} is ignored (${why}).`);
  }
  if (t.min_epochs > t.max_epochs) {
    throw configError(
      scope,
      [...BASE, 'min_epochs'],
      `trainer.min_epochs (${t.min_epochs}) exceeds trainer.max_epochs (${t.max_epochs}).`,
      'Lower min_epochs or raise max_epochs.',
    );
  }
  const callbacks = readCallbacks(scope, t.callbacks);
  const own = t.early_stopping;
  const earlyStopping = either(
    scope,
    'early_stopping',
    own === undefined
      ? undefined
      : own && {
          monitor: canonicalMonitor(scope, [...BASE, 'early_stopping', 'monitor'], own.monitor),
          patience: own.patience,
          minDelta: own.min_delta,
          mode: own.mode,
        },
    callbacks.earlyStopping,
  );
  const checkpoint = either(
    scope,
    'checkpoint',
    t.checkpoint && { monitor: canonicalMonitor(scope, [...BASE, 'checkpoint', 'monitor'], t.checkpoint.monitor), mode: t.checkpoint.mode },
    callbacks.checkpoint,
  );
  return {
    maxEpochs: t.max_epochs,
    minEpochs: t.min_epochs,
    gradientClipVal: t.gradient_clip_val || null,
    gradientClipAlgorithm: t.gradient_clip_algorithm,
    // Absent means the default (on); only an explicit null turns early stopping off.
    earlyStopping: earlyStopping === undefined ? { monitor: PER_TASK_MONITOR, patience: AUTO_PATIENCE, minDelta: 0, mode: 'min' } : earlyStopping,
    checkpoint: checkpoint ?? { monitor: PER_TASK_MONITOR, mode: 'min' },
  };
}

/** The config form of a resolved trainer, in Crucible's own keys. */
export function trainerConfig(t: ResolvedTrainer): Record<string, unknown> {
  const es = t.earlyStopping;
  return {
    max_epochs: t.maxEpochs,
    min_epochs: t.minEpochs,
    gradient_clip_val: t.gradientClipVal,
    gradient_clip_algorithm: t.gradientClipAlgorithm,
    early_stopping: es && { monitor: es.monitor, patience: es.patience, min_delta: es.minDelta, mode: es.mode },
    checkpoint: { ...t.checkpoint },
  };
}
