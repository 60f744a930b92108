/**
 * A run of the project's mapped tasks, planned and loaded: which tasks it trains (the enabled ones, or those a
 * fine-tuning run names, from any of the project's tables), refused with the Tasks page's own words while one has a problem,
 * the resolved config, then the featurized rows and the source's weights. The app's Train page and
 * `crucible train --project` both run through here.
 */
import type { ResolvedRunConfig } from '../config/index';
import { loadRunData } from '../data/load-run-data';
import { CrucibleError } from '../errors';
import type { Project } from '../project/project';
import type { TaskSpec } from '../project/tasks';
import type { TrainSettings } from '../project/train-settings';
import type { InitSource } from '../train/init-from';
import type { LoadedData } from '../train/run-training';
import { checkTasks, type CheckedTable } from './check-tasks';
import { applyFineTune, describeSource, loadFineTuneSource, type FineTuneRequest } from './fine-tune';
import { projectRunConfig } from './run-config';

export interface ProjectRunRequest {
  settings: TrainSettings;
  fineTune?: FineTuneRequest;
}

export interface ProjectRunPlan {
  config: ResolvedRunConfig;
  /** The tasks trained, enabled. */
  tasks: TaskSpec[];
  /** What the run folder's name starts with. */
  runName: string;
  fineTune?: FineTuneRequest;
}

export interface LoadedProjectRun {
  config: ResolvedRunConfig;
  data: LoadedData;
  initFrom?: InitSource;
}

/** Chooses and checks the tasks and resolves the config, touching neither the database nor the project file. */
export async function planProjectRun(project: Project, tables: readonly CheckedTable[], { settings, fineTune }: ProjectRunRequest): Promise<ProjectRunPlan> {
  const stored = project.description.tasks;
  const check = checkTasks(stored, tables);
  const chosen = fineTune ? stored.filter((t) => fineTune.tasks.includes(t.name)).map((t) => ({ ...t, enabled: true })) : stored.filter((t) => t.enabled);
  if (chosen.length === 0)
    throw new CrucibleError('bad-config', 'No task is enabled.', { hint: 'Map columns to tasks on the Tasks page and enable at least one.' });
  const broken = check.problems.find((p) => chosen.some((t) => t.name === stored[p.task].name));
  if (broken) {
    throw new CrucibleError('bad-config', `Task "${stored[broken.task].name}": ${broken.message}`, { hint: 'Fix it on the Tasks page, or disable it.' });
  }
  // A fine-tuning run's encoder must be the source's: its widths and its featurizer.
  const source = fineTune ? await describeSource(project, fineTune.from) : undefined;
  const effective = source
    ? { ...settings, sharedDims: source.sharedDims.length ? source.sharedDims : settings.sharedDims, featurizer: source.featurizer ?? settings.featurizer }
    : settings;
  const config = projectRunConfig(project, chosen, effective, fineTune ? (raw) => applyFineTune(raw, fineTune) : undefined);
  return { config, tasks: chosen, runName: settings.name.trim() || (fineTune ? 'finetune' : 'run'), fineTune };
}

/** The plan's featurized, split rows and, fine-tuning, the source's weights. Opens the project's database: call it where the app queues database work. */
export async function loadProjectRun(project: Project, plan: ProjectRunPlan): Promise<LoadedProjectRun> {
  const data = await loadRunData(plan.config, { project });
  return { config: plan.config, data, initFrom: plan.fineTune ? await loadFineTuneSource(project, plan.fineTune.from) : undefined };
}
