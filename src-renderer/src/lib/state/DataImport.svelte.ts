/**
 * The import wizard: a chosen file, the reading choices (formula column, curves, long format), the
 * preview those choices give, and the outcome of importing; refused files keep their problems by row.
 */
import type { ApiClient, FilePreview, ImportChoices, ImportProblem, TableInfo, TextReading } from '../../../../src-main/api/contract';
import { describeError } from '../errors';

export type Layout = 'wide' | 'long';

export class DataImport {
  #file = $state<string | null>(null);
  #preview = $state.raw<FilePreview | null>(null);
  #choices = $state.raw<ImportChoices>({});
  #layout = $state<Layout>('wide');
  #table = $state('');
  #busy = $state(false);
  #error = $state<string | null>(null);
  /** Problems of the last import attempt, when it was refused. */
  #refused = $state.raw<{ message: string; problems: ImportProblem[] } | null>(null);
  #imported = $state.raw<{ table: TableInfo; problems: ImportProblem[] } | null>(null);
  #request = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly onImported: (table: TableInfo) => Promise<void>,
  ) {}

  get file(): string | null {
    return this.#file;
  }
  get preview(): FilePreview | null {
    return this.#preview;
  }
  get choices(): ImportChoices {
    return this.#choices;
  }
  get layout(): Layout {
    return this.#layout;
  }
  get table(): string {
    return this.#table;
  }
  set table(name: string) {
    this.#table = name;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get refused(): { message: string; problems: ImportProblem[] } | null {
    return this.#refused;
  }
  get imported(): { table: TableInfo; problems: ImportProblem[] } | null {
    return this.#imported;
  }

  /** What the file's reading gives: the last import's refusal if any, else the preview's findings. */
  readonly problems = $derived<ImportProblem[]>(this.#refused?.problems ?? this.#preview?.problems ?? []);
  readonly errorCount = $derived(this.problems.filter((p) => p.severity === 'error').length);
  readonly tableProblem = $derived(/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(this.#table) ? null : 'Letters, digits and _, starting with a letter.');
  /** The columns of the file as read (before a long-format fold), for the choice lists. */
  #sourceColumns = $state.raw<FilePreview['columns']>([]);
  get sourceColumns(): FilePreview['columns'] {
    return this.#sourceColumns;
  }

  async choose(file: string): Promise<void> {
    this.#file = file;
    this.#choices = {};
    this.#layout = 'wide';
    this.#imported = null;
    await this.refresh(true);
  }

  setLayout(layout: Layout): void {
    this.#layout = layout;
    if (layout === 'wide') this.update({ long: undefined });
  }

  /** Changes reading choices and previews again (only the newest preview is kept). */
  update(patch: Partial<ImportChoices>): void {
    this.#choices = Object.fromEntries(Object.entries({ ...this.#choices, ...patch }).filter(([, v]) => v !== undefined && v !== ''));
    void this.refresh(false);
  }

  /**
   * Reads a CSV or TSV file another way than detected. A comma cannot be both the delimiter and the decimal mark,
   * so choosing one as the one moves the other away. Another delimiter gives other columns: the column choices
   * start again from what that reading finds.
   */
  setReading(patch: Partial<TextReading>): void {
    const shown = this.#preview?.reading;
    if (!shown) return;
    const next = { ...shown, ...this.#choices.reading, ...patch };
    if (next.delimiter === ',' && next.decimalMark === ',') {
      if (patch.decimalMark) next.delimiter = ';';
      else next.decimalMark = '.';
    }
    if (next.delimiter === shown.delimiter) return this.update({ reading: next });
    this.#choices = { reading: next };
    this.#layout = 'wide';
    void this.refresh(true);
  }

  async refresh(first: boolean): Promise<void> {
    if (!this.#file) return;
    const request = ++this.#request;
    this.#busy = true;
    this.#error = null;
    this.#refused = null;
    try {
      const preview = await this.client.call('data:preview-file', { file: this.#file, options: this.#choices });
      if (request !== this.#request) return;
      this.#preview = preview;
      if (first) {
        this.#sourceColumns = preview.columns;
        this.#table = preview.suggestedTable;
        if (preview.formulaColumn) this.#choices = { ...this.#choices, formulaColumn: preview.formulaColumn };
      } else if (!this.#choices.long) this.#sourceColumns = preview.columns.length ? preview.columns : this.#sourceColumns;
    } catch (e) {
      if (request === this.#request) this.#error = describeError(e);
    } finally {
      if (request === this.#request) this.#busy = false;
    }
  }

  async import(replace = false): Promise<void> {
    if (!this.#file) return;
    this.#busy = true;
    this.#error = null;
    try {
      const result = await this.client.call('data:import', { file: this.#file, table: this.#table, options: this.#choices, replace });
      if (result.imported) {
        // Done with this file: back to choosing one, with what was imported kept for the message.
        this.reset();
        this.#imported = { table: result.table, problems: result.problems };
        await this.onImported(result.table);
      } else {
        this.#refused = { message: result.message, problems: result.problems };
      }
    } catch (e) {
      this.#error = describeError(e);
    } finally {
      this.#busy = false;
    }
  }

  /** Back to choosing a file. */
  reset(): void {
    this.#file = null;
    this.#preview = null;
    this.#refused = null;
    this.#imported = null;
    this.#choices = {};
    this.#error = null;
  }
}
