/**
 * A run's applicability domain (the rule: run-folder/domain.ts), fitted on its training set at the end of
 * training, and the distances of any rows to it (the test rows' flags in predictions/test.csv).
 */
import { FormulaScanner } from '../data/formula/formula-scanner';
import { elementSymbol, MAX_ATOMIC_NUMBER } from '../data/formula/periodic-table';
import { SPLIT_TRAIN, SPLIT_VAL, type TrainingSet } from '../data/dataset/types';
import { isCrucibleError } from '../errors';
import { tf } from '../model/tf';
import { DomainJudge, type Domain, type DomainRecord, type DomainVerdicts } from '../run-folder/domain';
import { Rng } from '../util/random';

/**
 * Neighbours per distance, the validation quantile that sets the threshold, the most training rows kept (each
 * predicted row is compared with all of them, so this sets the check's cost: 1000 rows cost about what the model
 * itself does) and the most validation rows the threshold is taken over.
 */
export const DOMAIN_RULE = { k: 5, quantile: 0.99, maxSample: 1000, maxValidation: 5000 } as const;

/** Query rows per distance computation: a rows × sample matrix of a few tens of MB at most. */
const CHUNK_ROWS = 1024;

const RULE_TEXT =
  `Outside the domain of a task: the formula holds an element no labelled training row of the task holds, or the mean distance of the ` +
  `standardized descriptors to their k nearest sampled training rows exceeds the threshold, the validation rows' same distance at the quantile.`;

/**
 * Per query row (row-major, `d` columns), the mean Euclidean distance to its `k` nearest rows of `sample`, computed
 * as ‖q‖² + ‖s‖² − 2 q·s on the TensorFlow.js backend, as the bundle's domain graph computes it in onnxruntime.
 */
export function meanNearestDistances(sample: Float32Array, queries: Float32Array, d: number, k: number): Float32Array {
  const m = sample.length / d;
  const n = queries.length / d;
  const out = new Float32Array(n);
  if (n === 0) return out;
  const s = tf.tensor2d(sample, [m, d]);
  const sNorms = tf.tidy(() => tf.sum(tf.square(s), 1));
  try {
    for (let start = 0; start < n; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - start);
      const mean = tf.tidy(() => {
        const q = tf.tensor2d(queries.subarray(start * d, (start + rows) * d), [rows, d]);
        const squared = tf.relu(tf.sub(tf.add(tf.sum(tf.square(q), 1, true), sNorms), tf.mul(tf.matMul(q, s, false, true), 2)));
        const nearest = tf.neg(tf.topk(tf.neg(squared), k).values);
        return tf.mean(tf.sqrt(nearest), 1);
      });
      out.set(mean.dataSync() as Float32Array, start);
      mean.dispose();
    }
  } finally {
    s.dispose();
    sNorms.dispose();
  }
  return out;
}

/** Rows `rows` of a row-major `d`-column array, gathered. */
export function gatherRows(values: Float32Array, d: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
  return out;
}

/** The value at quantile `q` of `values`, interpolated linearly between order statistics (numpy's default). */
function quantile(values: Float32Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** At most `cap` of `rows`, drawn with `rng`, kept in row order. */
function capped(rows: number[], cap: number, rng: Rng): number[] {
  if (rows.length <= cap) return rows;
  const order = rng.permutation(rows.length);
  return Array.from(order.subarray(0, cap), (i) => rows[i]).sort((a, b) => a - b);
}

/** Per task, the elements of its labelled training rows' formulas (atomic-number order), or null when none parses. */
function trainingElements(set: TrainingSet, tasks: readonly string[]): DomainRecord['tasks'] {
  const scanner = new FormulaScanner();
  const out: DomainRecord['tasks'] = {};
  for (const task of set.tasks) {
    if (!tasks.includes(task.name)) continue;
    const seen = new Uint8Array(MAX_ATOMIC_NUMBER + 1);
    let read = 0;
    for (let r = 0; r < set.n; r++) {
      if (set.split[r] !== SPLIT_TRAIN || !task.valid[r]) continue;
      try {
        const count = scanner.scan(set.formulas[r]);
        for (let i = 0; i < count; i++) seen[scanner.elements[i]] = 1;
        read++;
      } catch (e) {
        if (!isCrucibleError(e)) throw e;
      }
    }
    const elements: string[] = [];
    for (let z = 1; z <= MAX_ATOMIC_NUMBER; z++) if (seen[z]) elements.push(elementSymbol(z));
    out[task.name] = { elements: read > 0 ? elements : null };
  }
  return out;
}

/**
 * The domain of a run on `set` (`scaled`: the same rows with standardized descriptors) for `tasks`; null when no
 * training row is labelled for any of them.
 */
export function fitDomain(set: TrainingSet, scaled: TrainingSet, tasks: readonly string[], seed: number): Domain | null {
  const used = set.tasks.filter((t) => tasks.includes(t.name));
  const labelled = (r: number) => used.some((t) => t.valid[r] === 1);
  const rowsOf = (split: number) => Array.from({ length: set.n }, (_, r) => r).filter((r) => set.split[r] === split && labelled(r));
  const train = rowsOf(SPLIT_TRAIN);
  if (train.length === 0) return null;
  const rng = new Rng(seed);
  const d = set.featureNames.length;
  const sampleRows = capped(train, DOMAIN_RULE.maxSample, rng);
  const sample = gatherRows(scaled.features, d, sampleRows);
  const k = Math.min(DOMAIN_RULE.k, sampleRows.length);
  // The quantile of a few thousand validation rows is as good as that of all, at a fraction of the cost.
  const val = capped(rowsOf(SPLIT_VAL), DOMAIN_RULE.maxValidation, rng);
  const distances = meanNearestDistances(sample, gatherRows(scaled.features, d, val), d, k);
  const record: DomainRecord = {
    formatVersion: 1,
    rule: RULE_TEXT,
    k,
    quantile: DOMAIN_RULE.quantile,
    features: [...set.featureNames],
    sampleRows: sampleRows.length,
    trainingRows: train.length,
    threshold: val.length > 0 ? quantile(distances, DOMAIN_RULE.quantile) : null,
    validationRows: val.length,
    tasks: trainingElements(set, tasks),
  };
  return { record, sample };
}

/** The verdicts on rows `rows` of `set` (the test rows, for predictions/test.csv), for the domain's tasks in the set's order. */
export function domainVerdicts(domain: Domain, set: TrainingSet, scaled: TrainingSet, rows: ArrayLike<number>): DomainVerdicts {
  const d = set.featureNames.length;
  const distances = meanNearestDistances(domain.sample, gatherRows(scaled.features, d, rows), d, domain.record.k);
  const tasks = set.tasks.filter((t) => Object.hasOwn(domain.record.tasks, t.name)).map((t) => t.name);
  return new DomainJudge(domain.record, tasks).judge(
    rows.length,
    Array.from(rows, (r) => set.formulas[r]),
    distances,
  );
}
