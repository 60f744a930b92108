/**
 * What one running Crucible (a window or a web server) has open: the current project, the folders
 * it may touch, and the event hub its transports listen to. Handlers read and change it;
 * transports never do.
 */
import { homedir } from 'node:os';
import type { DataStore } from '../engine/data/store/data-store';
import { CrucibleError } from '../engine/errors';
import { FolderBrowser } from '../engine/files/folder-browser';
import { initProject, openProject, type Project } from '../engine/project/index';
import { reconcileTables } from '../engine/project/table-catalog';
import { rememberProject } from '../engine/user/recent-projects';
import { ensureDemoProject } from './demo-project';
import { EventHub } from './router';
import { TrainingJobs } from './training/training-jobs';

export type AppMode = 'electron' | 'web';

export interface SessionOptions {
  /** Folders the UI may browse and create projects in, besides the user's home. */
  allowedRoots?: string[];
}

export class Session {
  readonly events = new EventHub();
  readonly folders: FolderBrowser;
  readonly training = new TrainingJobs(this.events);
  private current: Project | null = null;
  private storeQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly mode: AppMode,
    opts: SessionOptions = {},
  ) {
    this.folders = new FolderBrowser([homedir(), ...(opts.allowedRoots ?? [])]);
  }

  get project(): { dir: string | null; name: string | null } {
    return { dir: this.current?.dir ?? null, name: this.current?.name ?? null };
  }

  /** The open project, or a user error saying to open one first. */
  requireProject(): Project {
    if (!this.current) throw new CrucibleError('not-found', 'No project is open.', { hint: 'Open or create a project on the Projects page.' });
    return this.current;
  }

  /**
   * Runs `work` (which opens the project's DuckDB file and closes it) after every earlier such work
   * has finished: DuckDB must never hold two instances of one file in a process.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.storeQueue.then(work, work);
    this.storeQueue = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` on the open project's database, opened for it alone (see `exclusive`) and closed after. */
  withStore<T>(work: (store: DataStore) => Promise<T>): Promise<T> {
    const project = this.requireProject();
    return this.exclusive(async () => {
      const store = await project.openStore();
      try {
        return await work(store);
      } finally {
        await store.close();
      }
    });
  }

  async open(dir: string): Promise<Project> {
    return this.adopt(await openProject(await this.folders.assertAllowed(dir)));
  }

  async create(dir: string, name?: string): Promise<Project> {
    return this.adopt(await initProject(await this.folders.assertAllowed(dir), { name }));
  }

  /** Opens the demo project, creating it on first use (its folder is Crucible's own, so no allowed-root check). */
  async openDemo(): Promise<Project> {
    return this.adopt(await openProject(await ensureDemoProject()));
  }

  /** Picks up what another process (the command line, a second window) changed in the open project's project.json. */
  async syncProject(): Promise<void> {
    await this.current?.refreshIfChanged();
  }

  /** Reads the open project's description again, after a job changed it through its own handle. */
  async reload(): Promise<Project> {
    this.current = await openProject(this.requireProject().dir);
    return this.current;
  }

  close(): void {
    this.current = null;
    this.events.emit('project:changed', this.project);
  }

  /** What opening the current project repaired (see table-catalog.ts), for the project summary. */
  notices: string[] = [];

  private async adopt(project: Project): Promise<Project> {
    this.current = project;
    this.notices = (await this.withStore((store) => reconcileTables(project, store))).messages;
    await rememberProject(project.dir, project.name);
    this.events.emit('project:changed', this.project);
    return project;
  }
}
