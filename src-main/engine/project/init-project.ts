/** Creates a project folder: project.json, an empty data.duckdb, runs/ and models/. */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DataStore } from '../data/store/data-store';
import { CrucibleError } from '../errors';
import { DATA_FILE, MODELS_DIR, PROJECT_FILE, RUNS_DIR } from './layout';
import { Project } from './project';
import { writeProjectFile } from './project-file';
import { CURRENT_FORMAT_VERSION, type ProjectFile } from './schema';

export interface InitOptions {
  /** Shown in the app; defaults to the folder's name. */
  name?: string;
}

/**
 * Creates a new project in `dir`, which must not exist yet or be an empty folder. project.json is written
 * last, so a folder without it is never mistaken for a project; on failure everything created is removed.
 */
export async function initProject(dir: string, opts: InitOptions = {}): Promise<Project> {
  const abs = resolve(dir);
  const name = (opts.name ?? basename(abs)).trim();
  if (!name) throw new CrucibleError('bad-input', 'The project name is empty.', { hint: 'Pass a name with --name.' });
  const createdFolder = await prepareFolder(abs);
  try {
    await mkdir(join(abs, RUNS_DIR));
    await mkdir(join(abs, MODELS_DIR));
    const store = await DataStore.open(join(abs, DATA_FILE));
    await store.close();
    const doc: ProjectFile = {
      formatVersion: CURRENT_FORMAT_VERSION,
      name,
      createdAt: new Date().toISOString(),
      tables: [],
      tasks: [],
      defaults: {},
    };
    await writeProjectFile(abs, doc);
    return Project.fromDescription(abs, doc);
  } catch (e) {
    if (createdFolder) await rm(abs, { recursive: true, force: true });
    else for (const entry of [RUNS_DIR, MODELS_DIR, DATA_FILE, `${DATA_FILE}.wal`]) await rm(join(abs, entry), { recursive: true, force: true });
    throw e;
  }
}

/** Creates `dir` (returning true) or checks that it is an empty folder (returning false). */
async function prepareFolder(dir: string): Promise<boolean> {
  if (!existsSync(dir)) {
    await mkdir(dir, { recursive: true });
    return true;
  }
  if (!(await stat(dir)).isDirectory()) {
    throw new CrucibleError('already-exists', `${dir} exists and is a file, not a folder.`, { hint: 'Choose a new folder name for the project.' });
  }
  const entries = await readdir(dir);
  if (entries.includes(PROJECT_FILE)) {
    throw new CrucibleError('already-exists', `${dir} is already a Crucible project.`, { hint: 'Open it instead, or choose a new folder.' });
  }
  if (entries.length > 0) {
    throw new CrucibleError('already-exists', `${dir} is not empty (${entries.length} entries).`, {
      hint: 'Choose a new or empty folder for the project.',
    });
  }
  return false;
}
