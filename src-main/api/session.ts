/**
 * What one running Crucible (a window or a web server) has open: the current project and the
 * event hub its transports listen to. Handlers read and change it; transports never do.
 */
import { basename, resolve } from 'node:path';
import { EventHub } from './router';

export type AppMode = 'electron' | 'web';

export class Session {
  readonly events = new EventHub();
  private projectDir: string | null = null;
  private projectName: string | null = null;

  constructor(readonly mode: AppMode) {}

  get project(): { dir: string | null; name: string | null } {
    return { dir: this.projectDir, name: this.projectName };
  }

  setProject(dir: string | null, name?: string): void {
    this.projectDir = dir === null ? null : resolve(dir);
    this.projectName = dir === null ? null : (name ?? basename(this.projectDir!));
    this.events.emit('project:changed', this.project);
  }
}
