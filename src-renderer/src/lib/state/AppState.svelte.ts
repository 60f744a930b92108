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
  /** What each page with edits not yet saved says about them, and whether it has any now. */
  #unsaved = new Map<symbol, { what: string; dirty: () => boolean }>();

  constructor(
    readonly client: ApiClient,
    /** Asks the user a yes/no question (the browser's confirm dialog; a test may answer itself). */
    private readonly ask: (question: string) => boolean = (q) => confirm(q),
  ) {}

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
    const stopEvents = this.client.on('project:changed', (p) => {
      if (p.dir !== this.#project.dir) this.#focusRun = null;
      this.#project = p;
      void this.refresh();
    });
    // Closing the tab or reloading asks too (the browser words the question). Not in Electron, whose window would
    // then refuse to close without asking anything.
    const onUnload = (e: BeforeUnloadEvent) => {
      if (this.#info?.mode === 'web' && this.unsaved().length) e.preventDefault();
    };
    addEventListener('beforeunload', onUnload);
    const stop = () => {
      stopEvents();
      removeEventListener('beforeunload', onUnload);
    };
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
    this.adopt(await this.client.call('project:open', { dir }));
  }

  async createProject(dir: string, name: string): Promise<void> {
    this.adopt(await this.client.call('project:create', { dir, name }));
  }

  async openDemo(): Promise<void> {
    this.adopt(await this.client.call('project:demo', {}));
  }

  async closeProject(): Promise<void> {
    await this.client.call('project:close', {});
    this.adopt(null);
  }

  /** The project shown from now on: nothing of the one before stays, not even the run the Evaluate page was asked for. */
  private adopt(summary: ProjectSummary | null): void {
    this.#summary = summary;
    this.#project = summary ? { dir: summary.dir, name: summary.name } : { dir: null, name: null };
    this.#focusRun = null;
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

  /**
   * Registers a page's edits that are not saved yet (`what` names them in the question, e.g. "The Tasks page");
   * leaving the page while `dirty()` asks first. Returns the unregister, for the page's teardown.
   */
  holdUnsaved(what: string, dirty: () => boolean): () => void {
    const key = Symbol(what);
    this.#unsaved.set(key, { what, dirty });
    return () => this.#unsaved.delete(key);
  }

  /** Whose edits are not saved, right now. */
  unsaved(): string[] {
    return [...this.#unsaved.values()].filter((u) => u.dirty()).map((u) => u.what);
  }

  /** True when nothing unsaved would be lost, or the user agreed to lose it. */
  mayLeave(): boolean {
    const pending = this.unsaved();
    return pending.length === 0 || this.ask(`${pending.join(' and ')} ${pending.length === 1 ? 'has' : 'have'} unsaved changes. Leave without saving them?`);
  }

  /** Shows `page`, once any unsaved edits of the page shown may be dropped. */
  go(page: PageId): void {
    if (page !== this.#page && !this.mayLeave()) return;
    this.#page = page;
    history.replaceState(null, '', `#/${page}`);
  }
}

export const [getAppState, setAppState] = createContext<AppState>();
