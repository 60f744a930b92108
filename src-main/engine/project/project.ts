/** An open project folder: its validated description (project.json) and the paths of its data, runs and models. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataStore } from '../data/store/data-store';
import { CrucibleError } from '../errors';
import { DATA_FILE, MODELS_DIR, PROJECT_FILE, RUNS_DIR } from './layout';
import { readProjectFile, writeProjectFile } from './project-file';
import type { ProjectFile, TableMeta } from './schema';

export class Project {
  private constructor(
    /** Absolute path of the project folder. */
    readonly dir: string,
    private doc: ProjectFile,
  ) {}

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

  /** Applies `change` to a copy of the description, validates it and writes it atomically; the copy becomes current. */
  async update(change: (doc: ProjectFile) => ProjectFile): Promise<void> {
    const next = change(structuredClone(this.doc));
    await writeProjectFile(this.dir, next);
    this.doc = next;
  }

  /** Opens the project's DuckDB database; the caller closes it. */
  openStore(): Promise<DataStore> {
    return DataStore.open(this.dataPath);
  }
}

export function openProject(dir: string): Promise<Project> {
  return Project.open(dir);
}
