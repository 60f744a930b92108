/** The open project's tables (columns, formula column, curves) and the preview of one of them; shared by the Data and Tasks pages. */
import { createContext } from 'svelte';
import type { ApiClient, TableInfo, TablePreview } from '../../../../src-main/api/contract';
import { describeError } from '../errors';

export class ProjectData {
  #tables = $state.raw<TableInfo[]>([]);
  #loaded = $state(false);
  #selected = $state<string | null>(null);
  #preview = $state.raw<TablePreview | null>(null);
  #error = $state<string | null>(null);
  /** Counts loads: a table list read for the project before must not land in the one opened since. */
  #load = 0;

  constructor(private readonly client: ApiClient) {}

  get tables(): TableInfo[] {
    return this.#tables;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get selected(): string | null {
    return this.#selected;
  }
  get preview(): TablePreview | null {
    return this.#preview;
  }
  get error(): string | null {
    return this.#error;
  }

  table(name: string): TableInfo | undefined {
    return this.#tables.find((t) => t.name === name);
  }

  /** Another project opened (or none is open now): nothing of the one before stays, not even the table picked. */
  async open(hasProject: boolean): Promise<void> {
    this.#tables = [];
    this.#loaded = false;
    this.#selected = null;
    this.#preview = null;
    await this.load(hasProject);
  }

  /** Re-reads the table list (after an import), keeping the table picked if it is still there. */
  async load(hasProject: boolean): Promise<void> {
    this.#error = null;
    const load = ++this.#load;
    try {
      const tables = hasProject ? (await this.client.call('data:tables', {})).tables : [];
      if (load !== this.#load) return;
      this.#tables = tables;
      this.#loaded = hasProject;
      if (this.#selected && !this.table(this.#selected)) this.#selected = null;
      if (this.#selected) await this.select(this.#selected);
      else this.#preview = null;
    } catch (e) {
      this.#error = describeError(e);
    }
  }

  async select(name: string): Promise<void> {
    this.#selected = name;
    try {
      this.#preview = await this.client.call('data:preview-table', { table: name, rows: 25 });
    } catch (e) {
      this.#error = describeError(e);
    }
  }
}

export const [getProjectData, setProjectData] = createContext<ProjectData>();
