/** The project's tasks as project.json keeps them, read and written through the contract's task schema. */
import { resolveRunConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { SPLIT_NAMES } from '../../engine/data/dataset/types';
import { CrucibleError } from '../../engine/errors';
import { PROJECT_FILE, type Project } from '../../engine/project/index';
import { taskSpecSchema, type SplitCounts, type TaskSpec, type TrainSettings } from '../contract';
import { buildRunConfig } from '../training/run-config';

export function readProjectTasks(project: Project): TaskSpec[] {
  return project.description.tasks.map((raw, i) => {
    const parsed = taskSpecSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CrucibleError('invalid-project', `Task ${i + 1} in ${PROJECT_FILE} is not valid: ${parsed.error.issues[0].message}.`, {
        location: { file: PROJECT_FILE },
        hint: 'Fix or remove it on the Tasks page, or edit project.json.',
      });
    }
    return parsed.data;
  });
}

export function writeProjectTasks(project: Project, tasks: readonly TaskSpec[]): Promise<void> {
  return project.update((doc) => ({ ...doc, tasks: tasks.map((t) => ({ ...t })) }));
}

/**
 * The config of a run with these tasks and the rows it trains on (featurized, split); `adjust` changes the raw
 * config first (fine-tuning's keys).
 */
export async function loadTaskData(
  project: Project,
  table: string,
  tasks: readonly TaskSpec[],
  settings: TrainSettings,
  adjust = (raw: Record<string, unknown>) => raw,
) {
  const meta = project.table(table);
  if (!meta) throw new CrucibleError('not-found', `The project has no table "${table}".`, { hint: 'Import it on the Data page.' });
  const raw = adjust(buildRunConfig(meta, tasks, settings));
  const config = resolveRunConfig(raw, { baseDir: project.dir, projectTables: project.tables.map((t) => t.name) });
  return { config, data: await loadRunData(config, { project }) };
}

/** Labelled rows per split of each task (disabled ones included), with the split a run with `settings` would draw. */
export async function countLabelledRows(project: Project, tasks: readonly TaskSpec[], settings: TrainSettings): Promise<Record<string, SplitCounts>> {
  const counts: Record<string, SplitCounts> = {};
  for (const table of new Set(tasks.map((t) => t.table))) {
    const mine = tasks.filter((t) => t.table === table).map((t) => ({ ...t, enabled: true }));
    const { data } = await loadTaskData(project, table, mine, settings);
    const { set } = data;
    for (const task of set.tasks) {
      const c = [0, 0, 0];
      for (let r = 0; r < set.n; r++) if (task.valid[r]) c[set.split[r]]++;
      counts[task.name] = Object.fromEntries(SPLIT_NAMES.map((s, i) => [s, c[i]])) as SplitCounts;
    }
  }
  return counts;
}
