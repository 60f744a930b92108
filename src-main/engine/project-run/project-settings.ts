/** The project's saved task mapping and training settings (project.json `tasks`, `defaults.training`), changed only after checks. */
import type { Project } from '../project/project';
import type { TaskSpec } from '../project/tasks';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../project/train-settings';
import { requireValidTasks, type CheckedTable } from './check-tasks';

/** Checks `drafts` against the project's tables and saves them; refuses (bad-input) while any task has a problem. */
export async function saveProjectTasks(project: Project, drafts: readonly unknown[], tables: readonly CheckedTable[]): Promise<TaskSpec[]> {
  const tasks = requireValidTasks(drafts, tables);
  await project.update((doc) => ({ ...doc, tasks }));
  return tasks;
}

/** The settings the project last trained with, or the defaults. */
export function projectTrainSettings(project: Project): TrainSettings {
  return project.description.defaults.training ?? DEFAULT_TRAIN_SETTINGS;
}

export function saveTrainSettings(project: Project, settings: TrainSettings): Promise<void> {
  return project.update((doc) => ({ ...doc, defaults: { ...doc.defaults, training: settings } }));
}
