/**
 * What one running Crucible (a window or a web server) has open: the current project, the folders
 * it may touch, and the event hub its transports listen to. Handlers read and change it;
 * transports never do.
 */
import { homedir } from 'node:os';
import { CrucibleError } from '../engine/errors';
import { FolderBrowser } from '../engine/files/folder-browser';
import { initProject, openProject, type Project } from '../engine/project/index';
import { rememberProject } from '../engine/user/recent-projects';
import { EventHub } from './router';

export type AppMode = 'electron' | 'web';

export interface SessionOptions {
  /** Folders the UI may browse and create projects in, besides the user's home. */
  allowedRoots?: string[];
}

export class Session {
  readonly events = new EventHub();
  readonly folders: FolderBrowser;
  private current: Project | null = null;

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

  async open(dir: string): Promise<Project> {
    return this.adopt(await openProject(await this.folders.assertAllowed(dir)));
  }

  async create(dir: string, name?: string): Promise<Project> {
    return this.adopt(await initProject(await this.folders.assertAllowed(dir), { name }));
  }

  close(): void {
    this.current = null;
    this.events.emit('project:changed', this.project);
  }

  private async adopt(project: Project): Promise<Project> {
    this.current = project;
    await rememberProject(project.dir, project.name);
    this.events.emit('project:changed', this.project);
    return project;
  }
}
