/** Turns one task's target column (and x-grid column) into padded, masked typed arrays for the kept rows. */
import { CrucibleError } from '../../errors';
import { locate, requireColumn, type Column, type ColumnTable, type RowOrigin } from './columns';
import type { TaskData, TaskKind } from './types';

/** How one task reads its targets from the attributes table. */
export interface TaskSpec {
  /** Unique task name. */
  name: string;
  kind: TaskKind;
  /** The column holding the targets: numbers or equal-length lists (regression), numbers or text (classification), lists (sequence). */
  dataColumn: string;
  /** Sequences: the list column holding each row's x-grid; without one the grid is 0..L−1. */
  stepsColumn?: string;
  /** Classification: the classes in index order; by default the labels found, sorted (numbers numerically). */
  classes?: string[];
}

/** Reads the kept rows' targets for one task. `kept` holds the input row indices that survive assembly. */
export function buildTaskData(spec: TaskSpec, table: ColumnTable, kept: Uint32Array, nInput: number, origin: RowOrigin): TaskData {
  const column = requireColumn(table, spec.dataColumn, nInput, `data column of task "${spec.name}"`, origin);
  const ctx: Ctx = { spec, kept, origin };
  switch (spec.kind) {
    case 'regression':
      if (column.kind === 'number') return scalarRegression(ctx, column.values);
      if (column.kind === 'list') return vectorRegression(ctx, column.values);
      throw wrongKind(ctx, 'holds text', 'Choose a numeric column, or make the task a classification task.');
    case 'classification':
      if (column.kind === 'list') throw wrongKind(ctx, 'holds lists', 'Choose a column with one label per row.');
      return classification(ctx, column);
    case 'sequence': {
      if (column.kind !== 'list') throw wrongKind(ctx, 'holds one value per row', 'A sequence task needs a list column (one curve per row).');
      let steps: (Float64Array | null)[] | undefined;
      if (spec.stepsColumn !== undefined) {
        const stepsColumn = requireColumn(table, spec.stepsColumn, nInput, `steps column of task "${spec.name}"`, origin);
        if (stepsColumn.kind !== 'list') {
          throw new CrucibleError('bad-config', `The steps column "${spec.stepsColumn}" of task "${spec.name}" does not hold lists.`, {
            location: { file: origin.file, column: spec.stepsColumn },
            hint: 'Choose the list column holding each curve’s x values, or leave it out to use 0, 1, 2, ….',
          });
        }
        steps = stepsColumn.values;
      }
      return sequence(ctx, column.values, steps);
    }
    default:
      throw new CrucibleError('bad-config', `Task "${spec.name}" has kind "${String(spec.kind)}".`, {
        hint: 'Use regression, classification or sequence.',
      });
  }
}

interface Ctx {
  spec: TaskSpec;
  kept: Uint32Array;
  origin: RowOrigin;
}

function wrongKind(ctx: Ctx, what: string, hint: string): CrucibleError {
  return new CrucibleError('bad-config', `Task "${ctx.spec.name}" is a ${ctx.spec.kind} task but its column "${ctx.spec.dataColumn}" ${what}.`, {
    location: { file: ctx.origin.file, column: ctx.spec.dataColumn },
    hint,
  });
}

/** NaN means missing; an infinite value is a data error the user should see. */
function checkFinite(ctx: Ctx, value: number, input: number, column: string): boolean {
  if (Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) {
    throw new CrucibleError('bad-input', `Task "${ctx.spec.name}" has an infinite value.`, {
      location: locate(ctx.origin, input, column),
      hint: 'Replace it with a finite number, or leave the cell empty if it is unknown.',
    });
  }
  return true;
}

function emptyTask(ctx: Ctx, width: number): TaskData {
  const n = ctx.kept.length;
  return {
    name: ctx.spec.name,
    kind: ctx.spec.kind,
    column: ctx.spec.dataColumn,
    width,
    targets: new Float32Array(n * width),
    mask: new Uint8Array(n * width),
    valid: new Uint8Array(n),
  };
}

/** Sets `valid` from `mask` and refuses a task without a single label. */
function finish(ctx: Ctx, task: TaskData): TaskData {
  const w = task.width;
  let count = 0;
  for (let r = 0; r < task.valid.length; r++) {
    const row = task.mask.subarray(r * w, r * w + w);
    if (row.includes(1)) {
      task.valid[r] = 1;
      count++;
    }
  }
  if (count === 0) {
    throw new CrucibleError('bad-input', `Task "${ctx.spec.name}" has no known value in column "${ctx.spec.dataColumn}".`, {
      location: { file: ctx.origin.file, column: ctx.spec.dataColumn },
      hint: 'Check that the task points at the right column, or remove the task.',
    });
  }
  return task;
}

function scalarRegression(ctx: Ctx, values: Float64Array): TaskData {
  const task = emptyTask(ctx, 1);
  ctx.kept.forEach((input, r) => {
    const v = values[input];
    if (checkFinite(ctx, v, input, ctx.spec.dataColumn)) {
      task.targets[r] = v;
      task.mask[r] = 1;
    }
  });
  return finish(ctx, task);
}

function vectorRegression(ctx: Ctx, values: (Float64Array | null)[]): TaskData {
  let width = 0;
  let firstInput = -1;
  for (const input of ctx.kept) {
    const list = values[input];
    if (list === null) continue;
    if (firstInput < 0) {
      width = list.length;
      firstInput = input;
    } else if (list.length !== width) {
      throw new CrucibleError('bad-input', `Task "${ctx.spec.name}" has ${list.length} values in this row but ${width} in row ${locate(ctx.origin, firstInput).row}.`, {
        location: locate(ctx.origin, input, ctx.spec.dataColumn),
        hint: 'A regression task needs the same number of values in every row; use a sequence task for curves of varying length.',
      });
    }
  }
  const task = emptyTask(ctx, Math.max(width, 1));
  ctx.kept.forEach((input, r) => {
    const list = values[input];
    if (list === null) return;
    for (let j = 0; j < width; j++) {
      if (checkFinite(ctx, list[j], input, ctx.spec.dataColumn)) {
        task.targets[r * width + j] = list[j];
        task.mask[r * width + j] = 1;
      }
    }
  });
  return finish(ctx, task);
}

/** Class labels as text: numbers print as JavaScript does (1, 0.5); text is trimmed; blank is missing. */
function labelsOf(ctx: Ctx, column: Exclude<Column, { kind: 'list' }>): (string | null)[] {
  return Array.from(ctx.kept, (input) => {
    if (column.kind === 'text') {
      const s = column.values[input]?.trim() ?? '';
      return s === '' ? null : s;
    }
    const v = column.values[input];
    return checkFinite(ctx, v, input, ctx.spec.dataColumn) ? String(v) : null;
  });
}

function classification(ctx: Ctx, column: Exclude<Column, { kind: 'list' }>): TaskData {
  const labels = labelsOf(ctx, column);
  let classes = ctx.spec.classes;
  if (!classes) {
    const found = [...new Set(labels.filter((l): l is string => l !== null))];
    classes = column.kind === 'number' ? found.sort((a, b) => Number(a) - Number(b)) : found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  if (classes.length < 2) {
    throw new CrucibleError('bad-input', `Classification task "${ctx.spec.name}" has ${classes.length} class(es) (${classes.join(', ')}).`, {
      location: { file: ctx.origin.file, column: ctx.spec.dataColumn },
      hint: 'A classifier needs at least two classes; check the column, or make the task a regression task.',
    });
  }
  const indexOf = new Map(classes.map((c, k) => [c, k]));
  const task = emptyTask(ctx, 1);
  labels.forEach((label, r) => {
    if (label === null) return;
    const k = indexOf.get(label);
    if (k === undefined) {
      throw new CrucibleError('bad-input', `Task "${ctx.spec.name}" has label "${label}", which is not one of its classes (${classes.join(', ')}).`, {
        location: locate(ctx.origin, ctx.kept[r], ctx.spec.dataColumn),
        hint: 'Add the label to the task’s classes, or correct the cell.',
      });
    }
    task.targets[r] = k;
    task.mask[r] = 1;
  });
  task.classes = [...classes];
  return finish(ctx, task);
}

function sequence(ctx: Ctx, curves: (Float64Array | null)[], grids: (Float64Array | null)[] | undefined): TaskData {
  const { spec, kept, origin } = ctx;
  const lengths = new Uint32Array(kept.length);
  kept.forEach((input, r) => {
    const curve = curves[input];
    const grid = grids?.[input] ?? null;
    if (curve && grids && !grid) {
      throw new CrucibleError('bad-input', `Task "${spec.name}" has a curve but no x-grid in this row.`, {
        location: locate(origin, input, spec.stepsColumn),
        hint: 'Fill in the x values of the curve, or clear the curve.',
      });
    }
    if (curve && grid && curve.length !== grid.length) {
      throw new CrucibleError('bad-input', `Task "${spec.name}": the curve in column "${spec.dataColumn}" has ${curve.length} points but the grid in column "${spec.stepsColumn}" has ${grid.length}.`, {
        location: locate(origin, input, spec.dataColumn),
        hint: 'Give every curve point exactly one x value.',
      });
    }
    lengths[r] = curve ? curve.length : grid ? grid.length : 0;
  });
  const width = lengths.reduce((m, l) => Math.max(m, l), 0);
  const task = emptyTask(ctx, Math.max(width, 1));
  const steps = new Float32Array(kept.length * task.width);
  kept.forEach((input, r) => {
    const curve = curves[input];
    const grid = grids?.[input] ?? null;
    const base = r * task.width;
    for (let j = 0; j < lengths[r]; j++) {
      const x = grid ? grid[j] : j;
      const xKnown = checkFinite(ctx, x, input, spec.stepsColumn ?? spec.dataColumn);
      if (xKnown) steps[base + j] = x;
      if (curve && checkFinite(ctx, curve[j], input, spec.dataColumn)) {
        if (!xKnown) {
          throw new CrucibleError('bad-input', `Task "${spec.name}": point ${j + 1} of the curve has a value but its x value is missing.`, {
            location: locate(origin, input, spec.stepsColumn),
            hint: 'Fill in the missing x value, or clear the point.',
          });
        }
        task.targets[base + j] = curve[j];
        task.mask[base + j] = 1;
      }
    }
  });
  task.steps = steps;
  task.lengths = lengths;
  if (spec.stepsColumn !== undefined) task.stepsColumn = spec.stepsColumn;
  return finish(ctx, task);
}
