/** The Train page's settings as the project remembers them (project.json `defaults.training`). */
import type { Project } from '../../engine/project/index';
import { trainSettingsSchema, type TrainSettings } from '../contract';
import { DEFAULT_TRAIN_SETTINGS } from './run-config';

/** The last settings used in this project, each missing or invalid one replaced by its default. */
export function readTrainSettings(project: Project): TrainSettings {
  const saved = project.description.defaults.training;
  const parsed = trainSettingsSchema.partial().safeParse(saved ?? {});
  const merged = { ...DEFAULT_TRAIN_SETTINGS, ...(parsed.success ? parsed.data : {}) };
  return trainSettingsSchema.safeParse(merged).success ? merged : DEFAULT_TRAIN_SETTINGS;
}

export function writeTrainSettings(project: Project, settings: TrainSettings): Promise<void> {
  return project.update((doc) => ({ ...doc, defaults: { ...doc.defaults, training: settings } }));
}
