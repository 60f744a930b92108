/**
 * Checks a draft task list against the project's tables and the engine's registries, problem by problem, each
 * attached to the field that causes it, so the Tasks page can show them as the user types and a run refuses
 * the same problems with the same words.
 */
import type { z } from 'zod';
import { CrucibleError } from '../errors';
import { headType } from '../model/heads/index';
import { TaskSpecSchema, type TaskSpec } from '../project/tasks';
import type { ProjectTable } from './project-tables';

/** A task's problem; `field` is the key path inside the task (`head_options.hidden`), null for the task as a whole. */
export interface TaskProblem {
  task: number;
  field: string | null;
  message: string;
}

export interface TaskCheck {
  problems: TaskProblem[];
  /** Each draft parsed, or null where it has a problem. */
  tasks: (TaskSpec | null)[];
}

/** The table facts a check reads. */
export type CheckedTable = Pick<ProjectTable, 'name' | 'formulaColumn' | 'columns'>;

const KIND_NEEDED: Record<TaskSpec['type'], { kinds: string[]; what: string }> = {
  regression: { kinds: ['number', 'list'], what: 'numbers' },
  classification: { kinds: ['number', 'text'], what: 'class labels (numbers or text)' },
  sequence: { kinds: ['list'], what: 'curves (lists of numbers)' },
};

const KIND_WORD: Record<string, string> = { number: 'numbers', text: 'text', list: 'lists of numbers' };

/** zod's messages in words a form can show beside the field. */
function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type')
    return issue.expected === 'number' ? 'Enter a number.' : issue.expected === 'string' ? 'Choose or enter a value.' : `Expected ${issue.expected}.`;
  if (issue.code === 'too_small' && issue.origin === 'number') return issue.inclusive ? `At least ${issue.minimum}.` : `Above ${issue.minimum}.`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `At most ${issue.maximum}.`;
  if (issue.code === 'invalid_value') return `Choose one of ${issue.values.join(', ')}.`;
  return issue.message;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Problems of one draft that need the project's tables and the head registry. */
function checkAgainstProject(draft: Record<string, unknown>, tables: readonly CheckedTable[], add: (field: string | null, message: string) => void): void {
  const tableName = str(draft.table);
  const table = tables.find((t) => t.name === tableName);
  if (tableName && !table) add('table', `The project has no table "${tableName}".`);
  if (table && !table.formulaColumn)
    add('table', `Table "${table.name}" has no formula column, so the model has no input. Import the file again and choose its formula column.`);
  const type = draft.type as TaskSpec['type'] | undefined;
  const columnName = str(draft.data_column);
  if (table && columnName) {
    const column = table.columns.find((c) => c.name === columnName);
    if (!column) add('data_column', `Table "${table.name}" has no column "${columnName}".`);
    else if (columnName === table.formulaColumn)
      add('data_column', `"${columnName}" holds the formulas, which are the model's input, not a property to predict.`);
    else if (type && type in KIND_NEEDED && !KIND_NEEDED[type].kinds.includes(column.kind)) {
      add('data_column', `"${columnName}" holds ${KIND_WORD[column.kind]}; a ${type} task needs ${KIND_NEEDED[type].what}.`);
    }
  }
  const steps = str(draft.steps_column);
  if (steps && type && type !== 'sequence') add('steps_column', 'Only curve (sequence) tasks have an x-axis column.');
  if (steps && table && type === 'sequence') {
    const column = table.columns.find((c) => c.name === steps);
    if (!column) add('steps_column', `Table "${table.name}" has no column "${steps}".`);
    else if (column.kind !== 'list') add('steps_column', `"${steps}" holds ${KIND_WORD[column.kind]}; the x-axis of a curve is a list of numbers.`);
  }
  const subtype = str(draft.subtype);
  if (!subtype) return;
  const head = headType(subtype);
  if (!head) add('subtype', `There is no head "${subtype}".`);
  else if (type && head.kind !== type) add('subtype', `"${head.label}" is a ${head.kind} head; this is a ${type} task.`);
  else if (draft.head_options && typeof draft.head_options === 'object') {
    const parsed = head.options.safeParse(draft.head_options);
    if (!parsed.success) for (const issue of parsed.error.issues) add(`head_options.${issue.path.join('.') || '*'}`, friendly(issue));
  }
}

export function checkTasks(drafts: readonly unknown[], tables: readonly CheckedTable[]): TaskCheck {
  const problems: TaskProblem[] = [];
  const parsed = drafts.map((draft, task) => {
    const add = (field: string | null, message: string) => problems.push({ task, field, message });
    if (draft === null || typeof draft !== 'object' || Array.isArray(draft)) {
      add(null, 'This task is not an object of task settings.');
      return null;
    }
    const before = problems.length;
    const result = TaskSpecSchema.safeParse(draft);
    if (!result.success) for (const issue of result.error.issues) add(issue.path.length ? issue.path.join('.') : null, friendly(issue));
    checkAgainstProject(draft as Record<string, unknown>, tables, add);
    return result.success && problems.length === before ? result.data : null;
  });

  const seen = new Map<string, number>();
  drafts.forEach((draft, task) => {
    const name = str((draft as Record<string, unknown> | null)?.name)
      ?.trim()
      .toLowerCase();
    if (!name) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, task);
    else {
      problems.push({ task, field: 'name', message: `Task ${first + 1} already has this name.` });
      parsed[task] = null;
    }
  });

  return { problems, tasks: parsed };
}

/** The drafts as tasks, or a bad-input error naming the first problem (and how many more there are). */
export function requireValidTasks(drafts: readonly unknown[], tables: readonly CheckedTable[]): TaskSpec[] {
  const check = checkTasks(drafts, tables);
  if (check.problems.length > 0) {
    const first = check.problems[0];
    throw new CrucibleError('bad-input', `Task ${first.task + 1}${first.field ? ` (${first.field})` : ''}: ${first.message}`, {
      hint: check.problems.length > 1 ? `${check.problems.length - 1} more problem(s); fix them on the Tasks page.` : undefined,
    });
  }
  return check.tasks.map((t) => t!);
}
