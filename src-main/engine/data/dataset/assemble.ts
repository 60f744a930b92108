/** Builds a TrainingSet from plain columns: descriptors, groups, task columns and an optional split column. */
import { CrucibleError } from '../../errors';
import { requireColumn, rowNumberOf, type ColumnTable, type RowOrigin } from './columns';
import { assignSplits, type SplitOptions } from './split';
import { buildTaskData, type TaskSpec } from './targets';
import type { AssemblyReport, CompositionData, StructureData, TrainingSet } from './types';

/** A numeric matrix, n × names.length, row-major; NaN = missing. */
export interface DescriptorMatrix {
  names: string[];
  values: Float32Array | Float64Array;
}

export interface AssembleInput {
  /** Composition descriptors of every input row (from the featurizer). */
  descriptors: DescriptorMatrix;
  /** Optional structure descriptors; a row whose values are all NaN has no structure. */
  structure?: DescriptorMatrix;
  /** Optional element tokens of every input row; rows in `failed` (could not be tokenized) are dropped. */
  composition?: { data: CompositionData; failed: readonly number[] };
  /** The formula of each input row, as written by the user. */
  formulas: readonly string[];
  /** The grouping key (canonical formula) of each row; default: the formula. */
  groups?: readonly string[];
  /** Row identifiers for exports; default: the spreadsheet row number. */
  ids?: readonly string[];
  /** The attributes table holding targets, grids and the split column. */
  columns: ColumnTable;
  tasks: readonly TaskSpec[];
  /** A text column of train/val/test labels; blank cells are split at random. */
  splitColumn?: string;
  split: SplitOptions;
  origin?: RowOrigin;
}

function checkTasks(tasks: readonly TaskSpec[], origin: RowOrigin): void {
  if (tasks.length === 0) {
    throw new CrucibleError('bad-config', 'No task is configured.', { location: { file: origin.file }, hint: 'Add at least one task naming a target column.' });
  }
  const seen = new Set<string>();
  for (const task of tasks) {
    if (task.name.trim() === '') {
      throw new CrucibleError('bad-config', `A task on column "${task.dataColumn}" has no name.`, { hint: 'Give every task a unique name.' });
    }
    if (seen.has(task.name)) {
      throw new CrucibleError('bad-config', `Two tasks are named "${task.name}".`, { hint: 'Give every task a unique name.' });
    }
    seen.add(task.name);
  }
}

function checkMatrix(m: DescriptorMatrix, n: number, what: string): number {
  const d = m.names.length;
  if (m.values.length !== n * d) {
    throw new CrucibleError('internal', `The ${what} matrix holds ${m.values.length} values where ${n} rows × ${d} columns were expected.`);
  }
  return d;
}

function hasNumber(values: ArrayLike<number>, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!Number.isNaN(values[k])) return true;
  return false;
}

/** Copies the kept rows of a matrix and counts the missing values per column. */
function gather(m: DescriptorMatrix, kept: Uint32Array): { values: Float32Array; missing: Uint32Array } {
  const d = m.names.length;
  const values = new Float32Array(kept.length * d);
  kept.forEach((input, r) => values.set(m.values.subarray(input * d, input * d + d), r * d));
  const missing = new Uint32Array(d);
  for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k])) missing[k % d]++;
  return { values, missing };
}

function gatherStructure(m: DescriptorMatrix, kept: Uint32Array): StructureData {
  const d = m.names.length;
  const { values } = gather(m, kept);
  const hasStructure = new Uint8Array(kept.length);
  for (let r = 0; r < kept.length; r++) {
    if (hasNumber(values, r * d, r * d + d)) hasStructure[r] = 1;
    else values.fill(0, r * d, r * d + d);
  }
  return { names: [...m.names], values, hasStructure };
}

function gatherComposition(c: CompositionData, kept: Uint32Array): CompositionData {
  const m = c.maxElements;
  const elements = new Uint8Array(kept.length * m);
  const fractions = new Float32Array(kept.length * m);
  kept.forEach((input, r) => {
    elements.set(c.elements.subarray(input * m, (input + 1) * m), r * m);
    fractions.set(c.fractions.subarray(input * m, (input + 1) * m), r * m);
  });
  return { ...c, elements, fractions };
}

/**
 * Assembles the training set. Rows whose descriptors are all missing (the formula could not be featurized)
 * are dropped and listed in the report; single missing descriptor values are kept as NaN and imputed with the
 * training mean by scaling, because dropping every row with one gap would discard whole element families.
 * Rows without any label are kept (they can still be predicted) and counted.
 */
export function assembleTrainingSet(input: AssembleInput): TrainingSet {
  const origin = input.origin ?? {};
  const nInput = input.formulas.length;
  checkTasks(input.tasks, origin);
  const d = checkMatrix(input.descriptors, nInput, 'descriptor');
  if (d === 0) throw new CrucibleError('bad-config', 'No descriptors were computed, so the model would have no inputs.', { hint: 'Choose at least one featurizer.' });
  if (input.structure) checkMatrix(input.structure, nInput, 'structure');
  for (const [name, list] of [['groups', input.groups], ['ids', input.ids]] as const) {
    if (list && list.length !== nInput) throw new CrucibleError('internal', `${name} has ${list.length} entries for ${nInput} rows.`);
  }

  const keptList: number[] = [];
  const droppedRows: AssemblyReport['droppedRows'] = [];
  const idOf = (i: number) => input.ids?.[i] ?? String(rowNumberOf(origin, i));
  const untokenized = new Set(input.composition?.failed ?? []);
  for (let i = 0; i < nInput; i++) {
    if (hasNumber(input.descriptors.values, i * d, i * d + d) && !untokenized.has(i)) keptList.push(i);
    else droppedRows.push({ row: rowNumberOf(origin, i), id: idOf(i), formula: input.formulas[i] });
  }
  if (keptList.length === 0) {
    throw new CrucibleError('bad-input', `None of the ${nInput} rows could be described: every descriptor is missing.`, {
      location: { file: origin.file },
      hint: 'Check the formula column and the chosen featurizer.',
    });
  }
  const kept = Uint32Array.from(keptList);

  const tasks = input.tasks.map((spec) => buildTaskData(spec, input.columns, kept, nInput, origin));
  const { values: features, missing } = gather(input.descriptors, kept);
  const rowNumbers = Uint32Array.from(kept, (i) => rowNumberOf(origin, i));
  const groups = Array.from(kept, (i) => (input.groups ?? input.formulas)[i]);

  let labels: (string | null)[] | undefined;
  if (input.splitColumn !== undefined) {
    const column = requireColumn(input.columns, input.splitColumn, nInput, 'split column', origin);
    if (column.kind !== 'text') {
      throw new CrucibleError('bad-config', `The split column "${input.splitColumn}" does not hold text.`, {
        location: { file: origin.file, column: input.splitColumn },
        hint: 'Point the split column at a column of train / val / test labels.',
      });
    }
    labels = Array.from(kept, (i) => column.values[i]);
  }
  const splits = assignSplits(
    { groups, taskValid: tasks.map((t) => t.valid), labels, labelColumn: input.splitColumn, origin: { file: origin.file, rowNumbers } },
    input.split,
  );

  let unlabeledRows = 0;
  for (let r = 0; r < kept.length; r++) if (!tasks.some((t) => t.valid[r])) unlabeledRows++;

  return {
    n: kept.length,
    featureNames: [...input.descriptors.names],
    features,
    structure: input.structure ? gatherStructure(input.structure, kept) : undefined,
    ...(input.composition ? { composition: gatherComposition(input.composition.data, kept) } : {}),
    ids: Array.from(kept, idOf),
    formulas: Array.from(kept, (i) => input.formulas[i]),
    groups,
    rowNumbers,
    tasks,
    split: splits.split,
    report: {
      inputRows: nInput,
      droppedRows,
      missingFeatureValues: missing.reduce((a, b) => a + b, 0),
      featuresWithMissing: input.descriptors.names.map((name, k) => ({ name, missing: missing[k] })).filter((f) => f.missing > 0),
      unlabeledRows,
      taskRows: tasks.map((t) => ({ name: t.name, validRows: t.valid.reduce((a, b) => a + b, 0) })),
      warnings: splits.warnings,
    },
  };
}
