/** Application-wide renderer state: app facts, the open project, recent projects and the current page. */
import { createContext } from 'svelte';
import type { ApiClient, Catalog, ProjectSummary, RequestResult } from '../../../../src-main/api/contract';
import { type PageId, isPageId } from '../pages';

type AppInfo = RequestResult<'app:info'>;
type ProjectRef = RequestResult<'project:current'>;
type RecentProject = RequestResult<'project:recent'>['projects'][number];

export class AppState {
  #info = $state.raw<AppInfo | null>(null);
  #project = $state.raw<ProjectRef>({ dir: null, name: null });
  #summary = $state.raw<ProjectSummary | null>(null);
  #recent = $state.raw<RecentProject[]>([]);
  #page = $state<PageId>('projects');
  #error = $state.raw<string | null>(null);
  #catalog = $state.raw<Catalog | null>(null);
  #focusRun = $state<string | null>(null);

  constructor(readonly client: ApiClient) {}

  get info(): AppInfo | null {
    return this.#info;
  }
  get project(): ProjectRef {
    return this.#project;
  }
  /** Tables, tasks, runs and models of the open project (null when none is open). */
  get summary(): ProjectSummary | null {
    return this.#summary;
  }
  get recent(): RecentProject[] {
    return this.#recent;
  }
  /** Heads, loss weightings, featurizers and backends the engine offers (fixed for the app's lifetime). */
  get catalog(): Catalog | null {
    return this.#catalog;
  }
  get page(): PageId {
    return this.#page;
  }
  /** The engine could not be reached at all (not a user error: those stay beside the control that caused them). */
  get error(): string | null {
    return this.#error;
  }
  readonly hasProject = $derived(this.#project.dir !== null);

  /** Loads app facts and the open project, and keeps following project changes. */
  async load(): Promise<() => void> {
    const fromHash = location.hash.replace(/^#\/?/, '');
    if (isPageId(fromHash)) this.#page = fromHash;
    const stop = this.client.on('project:changed', (p) => {
      this.#project = p;
      void this.refresh();
    });
    try {
      [this.#info, this.#project, this.#catalog] = await Promise.all([
        this.client.call('app:info', {}),
        this.client.call('project:current', {}),
        this.client.call('tasks:catalog', {}),
      ]);
      await this.refresh();
    } catch (e) {
      this.#error = e instanceof Error ? e.message : String(e);
    }
    return stop;
  }

  /** Re-reads the project summary and the recent list (after imports, runs, exports). */
  async refresh(): Promise<void> {
    const [summary, recent] = await Promise.all([
      this.#project.dir ? this.client.call('project:summary', {}) : Promise.resolve(null),
      this.client.call('project:recent', {}),
    ]);
    this.#summary = summary;
    this.#recent = recent.projects;
  }

  async openProject(dir: string): Promise<void> {
    this.#summary = await this.client.call('project:open', { dir });
    this.#project = { dir: this.#summary.dir, name: this.#summary.name };
  }

  async createProject(dir: string, name: string): Promise<void> {
    this.#summary = await this.client.call('project:create', { dir, name });
    this.#project = { dir: this.#summary.dir, name: this.#summary.name };
  }

  async openDemo(): Promise<void> {
    this.#summary = await this.client.call('project:demo', {});
    this.#project = { dir: this.#summary.dir, name: this.#summary.name };
  }

  async closeProject(): Promise<void> {
    await this.client.call('project:close', {});
    this.#project = { dir: null, name: null };
    this.#summary = null;
  }

  /** The run another page asked the Evaluate page to show. */
  get focusRun(): string | null {
    return this.#focusRun;
  }

  /** Opens `runId` on the Evaluate page. */
  evaluate(runId: string): void {
    this.#focusRun = runId;
    this.go('evaluate');
  }

  go(page: PageId): void {
    this.#page = page;
    history.replaceState(null, '', `#/${page}`);
  }
}

export const [getAppState, setAppState] = createContext<AppState>();
