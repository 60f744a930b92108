/**
 * A training set restricted to some of its rows: every per-row array is gathered, splits and groups
 * travel with their rows. Benchmarks cap large sets with it, single-task baselines drop rows their task
 * has no label for, and ensemble members draw their own rows from one loaded set.
 */
import { CrucibleError } from '../../errors';
import type { TaskData, TrainingSet } from './types';

/** Copies rows `rows` (in that order) of an n × width array. */
function pick<A extends Float32Array | Uint8Array | Uint32Array>(source: A, width: number, rows: Uint32Array, make: (length: number) => A): A {
  const out = make(rows.length * width);
  rows.forEach((r, i) => out.set(source.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

const f32 = (n: number) => new Float32Array(n);
const u8 = (n: number) => new Uint8Array(n);
const u32 = (n: number) => new Uint32Array(n);

function selectTask(task: TaskData, rows: Uint32Array): TaskData {
  const w = task.width;
  return {
    ...task,
    targets: pick(task.targets, w, rows, f32),
    mask: pick(task.mask, w, rows, u8),
    valid: pick(task.valid, 1, rows, u8),
    ...(task.steps ? { steps: pick(task.steps, w, rows, f32) } : {}),
    ...(task.lengths ? { lengths: pick(task.lengths, 1, rows, u32) } : {}),
  };
}

/**
 * The rows `rows` of `set`, in that order (indices must be distinct and in range). The assembly report
 * still describes the whole input; its task row counts are recounted.
 */
export function selectRows(set: TrainingSet, rows: Uint32Array): TrainingSet {
  const seen = new Uint8Array(set.n);
  for (const r of rows) {
    if (r >= set.n || seen[r]) throw new CrucibleError('internal', `Row ${r} is out of range or selected twice (the set has ${set.n} rows).`);
    seen[r] = 1;
  }
  const d = set.featureNames.length;
  const s = set.structure;
  const c = set.composition;
  const tasks = set.tasks.map((t) => selectTask(t, rows));
  return {
    ...set,
    n: rows.length,
    features: pick(set.features, d, rows, f32),
    ...(s ? { structure: { ...s, values: pick(s.values, s.names.length, rows, f32), hasStructure: pick(s.hasStructure, 1, rows, u8) } } : {}),
    ...(c ? { composition: { ...c, elements: pick(c.elements, c.maxElements, rows, u8), fractions: pick(c.fractions, c.maxElements, rows, f32) } } : {}),
    ids: Array.from(rows, (r) => set.ids[r]),
    formulas: Array.from(rows, (r) => set.formulas[r]),
    groups: Array.from(rows, (r) => set.groups[r]),
    rowNumbers: pick(set.rowNumbers, 1, rows, u32),
    tasks,
    split: pick(set.split, 1, rows, u8),
    report: { ...set.report, taskRows: tasks.map((t) => ({ name: t.name, validRows: t.valid.reduce((a, b) => a + b, 0) })) },
  };
}
