/** Application-wide renderer state: app facts, the open project and the current page. */
import { createContext } from 'svelte';
import type { ApiClient, RequestResult } from '../../../../src-main/api/contract';
import { type PageId, isPageId } from '../pages';

type AppInfo = RequestResult<'app:info'>;
type ProjectRef = RequestResult<'project:current'>;

export class AppState {
  #info = $state.raw<AppInfo | null>(null);
  #project = $state.raw<ProjectRef>({ dir: null, name: null });
  #page = $state<PageId>('projects');
  #error = $state.raw<string | null>(null);

  constructor(readonly client: ApiClient) {}

  get info(): AppInfo | null {
    return this.#info;
  }
  get project(): ProjectRef {
    return this.#project;
  }
  get page(): PageId {
    return this.#page;
  }
  get error(): string | null {
    return this.#error;
  }
  readonly hasProject = $derived(this.#project.dir !== null);

  /** Loads app facts and the open project, and keeps following project changes. */
  async load(): Promise<() => void> {
    const fromHash = location.hash.replace(/^#\/?/, '');
    if (isPageId(fromHash)) this.#page = fromHash;
    try {
      [this.#info, this.#project] = await Promise.all([this.client.call('app:info', {}), this.client.call('project:current', {})]);
    } catch (e) {
      this.#error = e instanceof Error ? e.message : String(e);
    }
    return this.client.on('project:changed', (p) => (this.#project = p));
  }

  go(page: PageId): void {
    this.#page = page;
    history.replaceState(null, '', `#/${page}`);
  }
}

export const [getAppState, setAppState] = createContext<AppState>();
