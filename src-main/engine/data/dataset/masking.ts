/**
 * Task masking ratios: per task, keep only a seeded fraction of its labelled training rows (to study how a
 * task behaves with less data, or to balance tasks), optionally redrawn every epoch.
 */
import { CrucibleError } from '../../errors';
import { Rng, deriveSeed } from '../../util/random';
import { suggestionHint } from '../../util/suggest';
import { SPLIT_TRAIN, type TrainingSet } from './types';

export interface TaskMaskingOptions {
  /** Keep-ratio per task name, in (0, 1]; tasks not named keep all their rows. */
  ratios: Readonly<Record<string, number>>;
  /** The user's seed; task t in epoch e draws from `deriveSeed(seed, 'mask', t, e)`. */
  seed: number;
  /** Draw a new subset every epoch instead of keeping the epoch-0 subset throughout. */
  redrawEachEpoch?: boolean;
}

/** Per task (in `set.tasks` order): n flags, 1 = the row's labels are used; null = the task keeps every row. */
export type TaskKeepMasks = (Uint8Array | null)[];

/** Refuses ratios outside (0, 1] and ratios for tasks that do not exist. */
export function validateMaskingRatios(ratios: Readonly<Record<string, number>>, taskNames: string[]): void {
  for (const [name, ratio] of Object.entries(ratios)) {
    if (!taskNames.includes(name)) {
      throw new CrucibleError('bad-config', `Task masking names task "${name}", which is not configured.`, {
        hint: suggestionHint(name, taskNames, 'task'),
      });
    }
    if (!(ratio > 0 && ratio <= 1)) {
      throw new CrucibleError('bad-config', `The masking ratio of task "${name}" is ${ratio}; it must be above 0 and at most 1.`, {
        hint: 'It is the fraction of the task’s training rows to keep: 1 keeps all, 0.5 keeps half. To leave a task out, disable it.',
      });
    }
  }
}

/**
 * The rows each task keeps in `epoch`: of a task's `nValid` labelled training rows, `round(nValid·ratio)`
 * drawn without replacement. Validation and test rows are never masked (they are not in the masks' scope:
 * their flags are 1). Without `redrawEachEpoch` every epoch gets the epoch-0 draw.
 */
export function taskKeepMasks(set: TrainingSet, options: TaskMaskingOptions, epoch: number): TaskKeepMasks {
  validateMaskingRatios(options.ratios, set.tasks.map((t) => t.name));
  const drawEpoch = options.redrawEachEpoch ? epoch : 0;
  return set.tasks.map((task) => {
    const ratio = options.ratios[task.name];
    if (ratio === undefined || ratio === 1) return null;
    const candidates: number[] = [];
    for (let r = 0; r < set.n; r++) if (task.valid[r] && set.split[r] === SPLIT_TRAIN) candidates.push(r);
    const rows = new Rng(deriveSeed(options.seed, 'mask', task.name, drawEpoch)).shuffle(Uint32Array.from(candidates));
    const keep = new Uint8Array(set.n).fill(1);
    for (const r of rows.subarray(Math.round(rows.length * ratio))) keep[r] = 0;
    return keep;
  });
}
