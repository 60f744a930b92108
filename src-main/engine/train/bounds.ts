/**
 * Outputs inside physics: a regression or curve task's predictions are kept inside its bounds by the model's
 * output transform (model.ts `bounds`). `lower_bound: auto` becomes 0 when every training label is at least 0
 * (band gaps, moduli, densities of states), and no bound otherwise; the decided value is what the run's
 * config.yaml records.
 */
import { AUTO_BOUND } from '../config/schema';
import type { ResolvedRunConfig, ResolvedTask } from '../config/types';
import type { ScalingParams } from '../data/dataset/scaling';
import { SPLIT_TRAIN, type TrainingSet } from '../data/dataset/types';
import type { ModelSpec } from '../model/model';

/** Whether every known training label of the task is at least 0 (and there is one). */
function labelsNonNegative(set: TrainingSet, name: string): boolean {
  const task = set.tasks.find((t) => t.name === name);
  if (!task) return false;
  let any = false;
  for (let r = 0; r < set.n; r++) {
    if (set.split[r] !== SPLIT_TRAIN) continue;
    for (let k = r * task.width; k < (r + 1) * task.width; k++) {
      if (!task.mask[k]) continue;
      if (task.targets[k] < 0) return false;
      any = true;
    }
  }
  return any;
}

/** `cfg` with every `auto` lower bound decided from the training labels of `set`. */
export function decideBounds(cfg: ResolvedRunConfig, set: TrainingSet): ResolvedRunConfig {
  const decide = (t: ResolvedTask): ResolvedTask =>
    t.bounds.lower === AUTO_BOUND
      ? { ...t, bounds: { ...t.bounds, lower: labelsNonNegative(set, t.name) && (t.bounds.upper === null || t.bounds.upper > 0) ? 0 : null } }
      : t;
  return { ...cfg, tasks: cfg.tasks.map(decide) };
}

/** `spec` with each task's decided bounds in the network's scaled units (targets are standardised per output). */
export function boundSpec(spec: ModelSpec, cfg: ResolvedRunConfig, scaling: ScalingParams): ModelSpec {
  return {
    ...spec,
    tasks: spec.tasks.map((t) => {
      const task = cfg.tasks.find((c) => c.name === t.name);
      const targets = scaling.tasks.find((s) => s.name === t.name)?.targets;
      if (!task || !targets) return t;
      const { lower, upper } = task.bounds;
      const scaled = (v: number | typeof AUTO_BOUND | null) => (typeof v === 'number' ? targets.mean.map((m, i) => (v - m) / targets.std[i]) : null);
      const bounds = { lower: scaled(lower), upper: scaled(upper) };
      return bounds.lower || bounds.upper ? { ...t, bounds } : t;
    }),
  };
}
