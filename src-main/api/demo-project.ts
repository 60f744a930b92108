/**
 * The demo project: created on first use in the user's config folder from the data shipped in
 * resources/demo (band gaps, metal/non-metal labels and phonon DOS curves of real materials), with
 * its tasks mapped and quick training settings, so a new user can press Train at once.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { importFile } from '../engine/data/import/index';
import { headType } from '../engine/model/heads/index';
import { resourcesDir } from '../engine/paths';
import { initProject, openProject, PROJECT_FILE } from '../engine/project/index';
import { userConfigDir } from '../engine/user/user-dirs';
import { readProjectTables, saveProjectTasks, saveTrainSettings } from '../engine/project-run/index';
import type { TaskSpec } from '../engine/project/tasks';
import { DEFAULT_TRAIN_SETTINGS } from '../engine/project/train-settings';
import { optionDefaults } from './tasks/option-fields';

export const DEMO_PROJECT_NAME = 'Demo project';
const TABLE = 'materials';

export function demoProjectDir(): string {
  return join(userConfigDir(), DEMO_PROJECT_NAME);
}

function demoTask(name: string, type: TaskSpec['type'], subtype: string, column: string, steps: string | null = null): TaskSpec {
  return {
    name,
    table: TABLE,
    type,
    subtype,
    data_column: column,
    steps_column: steps,
    loss_weight: 1,
    task_masking_ratio: 1,
    enabled: true,
    head_options: optionDefaults(headType(subtype)!.options),
  };
}

export const DEMO_TASKS: readonly TaskSpec[] = [
  demoTask('band_gap', 'regression', 'regression', 'band_gap_eV'),
  demoTask('is_metal', 'classification', 'classification', 'is_metal'),
  demoTask('phonon_dos', 'sequence', 'vec', 'dos', 'frequency_grid'),
];

/**
 * The demo project's folder, created when missing. It is built in a scratch folder beside it and renamed
 * into place last, so an interrupted first start never leaves a half-made demo behind.
 */
export async function ensureDemoProject(): Promise<string> {
  const dir = demoProjectDir();
  if (existsSync(join(dir, PROJECT_FILE))) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  try {
    const project = await initProject(partial, { name: DEMO_PROJECT_NAME });
    await importFile(project, join(resourcesDir(), 'demo', 'demo-materials.csv'), {
      table: TABLE,
      formulaColumn: 'formula',
      curves: [{ y: 'dos', x: 'frequency_grid' }],
    });
    await saveProjectTasks(project, DEMO_TASKS, await readProjectTables(project));
    await saveTrainSettings(project, { ...DEFAULT_TRAIN_SETTINGS, name: 'demo', maxEpochs: 40, patience: 10 });
    // A folder left by an interrupted earlier attempt without project.json holds nothing worth keeping.
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  await openProject(dir);
  return dir;
}
