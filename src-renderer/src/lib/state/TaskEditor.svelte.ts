/**
 * The Tasks page's draft: the project's tasks as the user edits them, checked by the engine as they
 * type (problems attached to fields, labelled rows per split), saved to the project on request.
 */
import {
  DEFAULT_HEAD,
  type ApiClient,
  type Catalog,
  type RequestResult,
  type SplitCounts,
  type TableInfo,
  type TaskKind,
  type TaskProblem,
  type TaskSpec,
} from '../../../../src-main/api/contract';
import { describeError } from '../errors';

/** What a column of this kind is most likely to be. */
const TYPE_OF_KIND: Record<string, TaskKind> = { number: 'regression', text: 'classification', list: 'sequence' };

const CHECK_DELAY_MS = 300;

/**
 * The materials each pair of valid tasks shares (see `tasks:check`), with the table each task read and whether it
 * was enabled when checked: the names alone could lag behind a rename typed since.
 */
export interface TaskOverlap extends CheckedOverlap {
  tables: string[];
  enabled: boolean[];
}
type CheckedOverlap = NonNullable<RequestResult<'tasks:check'>['overlap']>;

export class TaskEditor {
  #drafts = $state.raw<TaskSpec[]>([]);
  #saved = $state.raw<TaskSpec[]>([]);
  #problems = $state.raw<TaskProblem[]>([]);
  #counts = $state.raw<Record<string, SplitCounts> | null>(null);
  #overlap = $state.raw<TaskOverlap | null>(null);
  #lowerBounds = $state.raw<Record<string, number | null> | null>(null);
  #countsError = $state<string | null>(null);
  #checking = $state(false);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #savedOnce = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;

  constructor(
    private readonly client: ApiClient,
    /** Called after a save (the project summary's task count changed). */
    private readonly onSaved: () => Promise<void>,
  ) {}

  get drafts(): TaskSpec[] {
    return this.#drafts;
  }
  get problems(): TaskProblem[] {
    return this.#problems;
  }
  get counts(): Record<string, SplitCounts> | null {
    return this.#counts;
  }
  /** The lower bound a run would decide for each regression or curve task, from the last check. */
  get lowerBounds(): Record<string, number | null> | null {
    return this.#lowerBounds;
  }
  get overlap(): TaskOverlap | null {
    return this.#overlap;
  }
  get countsError(): string | null {
    return this.#countsError;
  }
  get checking(): boolean {
    return this.#checking;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  /** True right after a successful save, until the next edit. */
  get savedOnce(): boolean {
    return this.#savedOnce;
  }

  readonly dirty = $derived(JSON.stringify(this.#drafts) !== JSON.stringify(this.#saved));

  /** The message for `field` of task `i`, if any (`head_options.hidden` style paths). */
  problem(i: number, field: string | null): string | undefined {
    return (
      this.#problems
        .filter((p) => p.task === i && (p.field === field || (field !== null && p.field?.startsWith(`${field}.`))))
        .map((p) => p.message)
        .join(' ') || undefined
    );
  }

  async load(open: boolean): Promise<void> {
    this.#error = null;
    if (!open) {
      this.#drafts = this.#saved = [];
      return;
    }
    try {
      const { tasks } = await this.client.call('tasks:get', {});
      this.#drafts = this.#saved = tasks;
      this.#savedOnce = false;
      this.schedule(0);
    } catch (e) {
      this.#error = describeError(e);
    }
  }

  /** A new task for `column` of `table`, typed from the column's kind, with its head's default options. */
  add(table: TableInfo, column: string, catalog: Catalog): void {
    const kind = table.columns.find((c) => c.name === column)?.kind ?? 'number';
    const type = TYPE_OF_KIND[kind];
    let name = column.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z]+/, '') || 'task';
    for (let i = 2; this.#drafts.some((d) => d.name.toLowerCase() === name.toLowerCase()); i++) name = `${name.replace(/_\d+$/, '')}_${i}`;
    const task: TaskSpec = {
      name,
      table: table.name,
      type,
      subtype: DEFAULT_HEAD[type],
      data_column: column,
      steps_column: type === 'sequence' ? (table.curves.find((c) => c.y === column)?.x ?? null) : null,
      loss_weight: 1,
      task_masking_ratio: 1,
      enabled: true,
      head_options: headDefaults(catalog, DEFAULT_HEAD[type]),
    };
    this.set([...this.#drafts, task]);
  }

  /** Changes task `i`; a new type or head resets the head and its options to that choice's defaults. */
  update(i: number, patch: Partial<TaskSpec>, catalog: Catalog): void {
    const task = { ...this.#drafts[i], ...patch };
    if (patch.type && patch.type !== this.#drafts[i].type) {
      task.subtype = DEFAULT_HEAD[patch.type];
      if (patch.type !== 'sequence') task.steps_column = null;
    }
    if (task.subtype !== this.#drafts[i].subtype) task.head_options = headDefaults(catalog, task.subtype);
    // A unit confirmed for one column says nothing of another: the new column's unit is proposed afresh.
    if (patch.data_column !== undefined && patch.data_column !== this.#drafts[i].data_column && !('unit' in patch)) delete task.unit;
    this.set(this.#drafts.map((d, j) => (j === i ? task : d)));
  }

  setOption(i: number, key: string, value: unknown): void {
    this.set(this.#drafts.map((d, j) => (j === i ? { ...d, head_options: { ...d.head_options, [key]: value } } : d)));
  }

  remove(i: number): void {
    this.set(this.#drafts.filter((_, j) => j !== i));
  }

  async save(): Promise<void> {
    this.#busy = true;
    this.#error = null;
    try {
      const { tasks } = await this.client.call('tasks:save', { tasks: this.#drafts });
      this.#drafts = this.#saved = tasks;
      this.#savedOnce = true;
      await this.onSaved();
    } catch (e) {
      this.#error = describeError(e);
    } finally {
      this.#busy = false;
    }
  }

  private set(drafts: TaskSpec[]): void {
    this.#drafts = drafts;
    this.#savedOnce = false;
    this.schedule(CHECK_DELAY_MS);
  }

  /** Checks the drafts once typing pauses; only the newest answer is kept. */
  private schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.check(), delay);
  }

  private async check(): Promise<void> {
    const request = ++this.#request;
    this.#checking = true;
    const drafts = this.#drafts;
    try {
      const result = await this.client.call('tasks:check', { tasks: drafts, counts: drafts.length > 0 });
      if (request !== this.#request) return;
      this.#problems = result.problems;
      this.#counts = result.counts;
      this.#overlap = result.overlap && withTasks(result.overlap, drafts);
      this.#lowerBounds = result.lowerBounds;
      this.#countsError = result.countsError;
    } catch (e) {
      if (request === this.#request) this.#error = describeError(e);
    } finally {
      if (request === this.#request) this.#checking = false;
    }
  }
}

function withTasks(overlap: CheckedOverlap, drafts: readonly TaskSpec[]): TaskOverlap {
  const of = overlap.tasks.map((name) => drafts.find((d) => d.name.trim() === name));
  return { ...overlap, tables: of.map((d) => d?.table ?? ''), enabled: of.map((d) => d?.enabled ?? true) };
}

export function headDefaults(catalog: Catalog, head: string): Record<string, unknown> {
  return Object.fromEntries((catalog.heads.find((h) => h.id === head)?.fields ?? []).map((f) => [f.key, f.default]));
}
