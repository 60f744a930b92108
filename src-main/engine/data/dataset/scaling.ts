/**
 * Standardisation of descriptors and targets, fitted on training rows only, with JSON-serialisable
 * parameters that travel with an exported model.
 */
import { CrucibleError } from '../../errors';
import { SPLIT_TRAIN, type TaskKind, type TrainingSet } from './types';

/**
 * Mean and standard deviation per column of a row-major array; entry k of the array uses column
 * k mod mean.length, so a single entry applies to every value (pooled scaling).
 */
export interface Standardizer {
  mean: number[];
  std: number[];
}

export interface NamedStandardizer extends Standardizer {
  names: string[];
  /** Columns constant (or without any value) on the training rows: their std is set to 1. */
  constant: string[];
}

/** Target scaling of one task; classification targets (class indices) are never scaled. */
export interface TaskScaling {
  name: string;
  kind: TaskKind;
  /** Regression: one entry per output; sequence: one entry for the whole task; classification: absent. */
  targets?: Standardizer;
}

/** Everything needed to scale inputs and unscale predictions; plain JSON. */
export interface ScalingParams {
  features: NamedStandardizer;
  structure?: NamedStandardizer;
  tasks: TaskScaling[];
  warnings: string[];
}

interface Fit {
  scaler: Standardizer;
  /** Per column: constant or empty on the rows fitted. */
  constant: boolean[];
  /** Per column: how many values were fitted. */
  count: number[];
}

/**
 * Mean and population std of the included rows of an n × width array, per column or pooled over all columns.
 * An entry counts where `mask` is 1 (or, without a mask, where it is not NaN). Computed in two passes in
 * float64; a column whose fitted values are all equal gets std 1 (tested by min = max, not by a tiny std,
 * because rounding leaves a constant column a std of ~1e-16 that would blow values up).
 */
function fit(values: Float32Array, width: number, include: (row: number) => boolean, pooled: boolean, mask?: Uint8Array): Fit {
  const nCols = pooled ? 1 : width;
  const sum = new Float64Array(nCols);
  const count = new Float64Array(nCols);
  const min = new Float64Array(nCols).fill(Infinity);
  const max = new Float64Array(nCols).fill(-Infinity);
  const n = width === 0 ? 0 : values.length / width;
  const known = (k: number) => (mask ? mask[k] === 1 : !Number.isNaN(values[k]));
  for (let r = 0; r < n; r++) {
    if (!include(r)) continue;
    for (let j = 0, k = r * width; j < width; j++, k++) {
      if (!known(k)) continue;
      const c = pooled ? 0 : j;
      const v = values[k];
      sum[c] += v;
      count[c]++;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  const mean = Array.from(sum, (s, c) => (count[c] > 0 ? s / count[c] : 0));
  const squares = new Float64Array(nCols);
  for (let r = 0; r < n; r++) {
    if (!include(r)) continue;
    for (let j = 0, k = r * width; j < width; j++, k++) {
      if (!known(k)) continue;
      const c = pooled ? 0 : j;
      squares[c] += (values[k] - mean[c]) ** 2;
    }
  }
  const constant = Array.from(count, (m, c) => m === 0 || min[c] === max[c]);
  const std = Array.from(squares, (s, c) => (constant[c] ? 1 : Math.sqrt(s / count[c])));
  return { scaler: { mean, std }, constant, count: Array.from(count) };
}

/** (x − mean) / std per entry; NaN becomes 0 (the training mean); where `mask` is 0 the result is 0. */
export function standardize(values: Float32Array, scaler: Standardizer, mask?: Uint8Array): Float32Array {
  const out = new Float32Array(values.length);
  const m = scaler.mean.length;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Number.isNaN(v) || (mask && !mask[k])) continue;
    const c = k % m;
    out[k] = (v - scaler.mean[c]) / scaler.std[c];
  }
  return out;
}

/** x · std + mean per entry: turns standardized values (e.g. predictions) back into user units. */
export function unstandardize(values: Float32Array, scaler: Standardizer): Float32Array {
  const out = new Float32Array(values.length);
  const m = scaler.mean.length;
  for (let k = 0; k < values.length; k++) {
    const c = k % m;
    out[k] = values[k] * scaler.std[c] + scaler.mean[c];
  }
  return out;
}

function named(f: Fit, names: string[]): NamedStandardizer {
  return { names: [...names], mean: f.scaler.mean, std: f.scaler.std, constant: names.filter((_, c) => f.constant[c]) };
}

/**
 * Fits all scalers on the training rows. Descriptors: per column, missing values ignored. Structure: per
 * column over training rows that have a structure. Regression: per output over known training labels.
 * Sequences: one mean and std per task over every known point of every training curve — the points of a
 * curve share one unit and their relative sizes are the signal; per-point scaling would distort the curve
 * shape, blow up flat stretches (a DOS is 0 far out on every row) and mean nothing on grids that differ
 * per row. Labels hidden by task masking are still used: scaling must not change from epoch to epoch.
 */
export function fitScaling(set: TrainingSet): ScalingParams {
  const isTrain = (r: number) => set.split[r] === SPLIT_TRAIN;
  const warnings: string[] = [];
  const features = named(fit(set.features, set.featureNames.length, isTrain, false), set.featureNames);
  if (features.constant.length > 0) {
    warnings.push(`${features.constant.length} descriptor(s) do not vary over the training rows and carry no information: ${features.constant.slice(0, 8).join(', ')}${features.constant.length > 8 ? ', …' : ''}.`);
  }
  const s = set.structure;
  const structure = s ? named(fit(s.values, s.names.length, (r) => isTrain(r) && s.hasStructure[r] === 1, false), s.names) : undefined;
  const tasks = set.tasks.map((task): TaskScaling => {
    if (task.kind === 'classification') return { name: task.name, kind: task.kind };
    const f = fit(task.targets, task.width, isTrain, task.kind === 'sequence', task.mask);
    if (f.count.every((c) => c === 0)) warnings.push(`Task "${task.name}" has no labelled training row; its targets are left unscaled.`);
    else if (f.constant.some(Boolean)) warnings.push(`Task "${task.name}" has a constant target on the training rows; it is centred but not rescaled.`);
    return { name: task.name, kind: task.kind, targets: f.scaler };
  });
  return { features, ...(structure ? { structure } : {}), tasks, warnings };
}

/**
 * A copy of `set` with standardized descriptors (missing values imputed with the training mean, i.e. 0),
 * structure descriptors (rows without a structure stay 0) and regression / sequence targets (masked entries
 * stay 0). Masks, steps, splits and identifiers are shared with `set`, not copied.
 */
export function applyScaling(set: TrainingSet, params: ScalingParams): TrainingSet {
  let structure = set.structure;
  if (structure && params.structure) {
    const d = structure.names.length;
    const values = standardize(structure.values, params.structure);
    for (let r = 0; r < set.n; r++) if (!structure.hasStructure[r]) values.fill(0, r * d, r * d + d);
    structure = { ...structure, values };
  }
  const byName = new Map(params.tasks.map((t) => [t.name, t]));
  const tasks = set.tasks.map((task) => {
    const scaling = byName.get(task.name);
    if (!scaling) throw new CrucibleError('internal', `No scaling was fitted for task "${task.name}".`);
    return scaling.targets ? { ...task, targets: standardize(task.targets, scaling.targets, task.mask) } : task;
  });
  return { ...set, features: standardize(set.features, params.features), structure, tasks };
}
