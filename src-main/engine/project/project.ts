/** An open project folder: its validated description (project.json) and the paths of its data, runs and models. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataStore } from '../data/store/data-store';
import { CrucibleError } from '../errors';
import { DATA_FILE, MODELS_DIR, PROJECT_FILE, RUNS_DIR } from './layout';
import { readProjectFile, writeProjectFile } from './project-file';
import { withProjectLock } from './project-lock';
import type { ProjectFile, TableMeta } from './schema';

export class Project {
  /** project.json's modification time and size when this description was read or written. */
  private seen = '';

  private constructor(
    /** Absolute path of the project folder. */
    readonly dir: string,
    private doc: ProjectFile,
  ) {
    this.seen = this.stamp();
  }

  private stamp(): string {
    try {
      const s = statSync(join(this.dir, PROJECT_FILE));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '';
    }
  }

  /** Opens the project in `dir`; throws not-found, not-a-project, invalid-project or unsupported-version. */
  static async open(dir: string): Promise<Project> {
    const abs = resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      throw new CrucibleError('not-found', `Project folder ${abs} does not exist.`, { hint: 'Check the path, or create a project with `crucible init`.' });
    }
    const doc = await readProjectFile(abs);
    if (doc.tables.length > 0 && !existsSync(join(abs, DATA_FILE))) {
      throw new CrucibleError('invalid-project', `${join(abs, PROJECT_FILE)} lists ${doc.tables.length} table(s), but ${DATA_FILE} is missing.`, {
        location: { file: join(abs, PROJECT_FILE) },
        hint: `Copy ${DATA_FILE} back into the project folder, or restore the folder from a backup.`,
      });
    }
    return new Project(abs, doc);
  }

  /** Wraps a description that is already on disk (used right after `initProject` wrote it). */
  static fromDescription(dir: string, doc: ProjectFile): Project {
    return new Project(resolve(dir), doc);
  }

  get name(): string {
    return this.doc.name;
  }

  /** The project description as last written; treat it as read-only and change it through `update`. */
  get description(): Readonly<ProjectFile> {
    return this.doc;
  }

  get tables(): readonly TableMeta[] {
    return this.doc.tables;
  }

  table(name: string): TableMeta | undefined {
    return this.doc.tables.find((t) => t.name === name);
  }

  get dataPath(): string {
    return join(this.dir, DATA_FILE);
  }

  get runsDir(): string {
    return join(this.dir, RUNS_DIR);
  }

  get modelsDir(): string {
    return join(this.dir, MODELS_DIR);
  }

  /**
   * Applies `change` to the description as it is on disk now (re-read under the project lock, so changes other
   * processes made meanwhile are kept), validates it and writes it atomically; the result becomes current.
   */
  async update(change: (doc: ProjectFile) => ProjectFile): Promise<void> {
    await withProjectLock(this.dir, async () => {
      const next = change(await readProjectFile(this.dir));
      await writeProjectFile(this.dir, next);
      this.doc = next;
      this.seen = this.stamp();
    });
  }

  /** Reads project.json again (after another process may have changed it). */
  async refresh(): Promise<void> {
    const stamp = this.stamp();
    this.doc = await readProjectFile(this.dir);
    this.seen = stamp;
  }

  /**
   * Reads project.json again only if it changed on disk since this process last read or wrote it (a
   * `crucible import` beside an open window, say): one stat, so a server can call it before every request.
   */
  async refreshIfChanged(): Promise<void> {
    if (this.stamp() !== this.seen) await this.refresh();
  }

  /** Opens the project's DuckDB database; the caller closes it. */
  openStore(): Promise<DataStore> {
    return DataStore.open(this.dataPath);
  }
}

export function openProject(dir: string): Promise<Project> {
  return Project.open(dir);
}
