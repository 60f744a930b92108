/** The runs of a project: a run id's folder (never outside runs/), the runs list, test predictions with each curve's x values, reports. */
import { existsSync } from 'node:fs';
import type { DataStore } from '../data/store/data-store';
import { CrucibleError } from '../errors';
import type { Project } from '../project/project';
import { runReport } from '../report/index';
import { listRunSummaries, readRunPredictions, projectCurveSteps, type RunPredictions, type RunSummary, type StepsLookup } from '../run-folder/index';
import { pathForId } from '../util/id-path';

/** The folder of run `runId` inside the project; refuses ids that are not one plain folder name of runs/. */
export function projectRunDir(project: Project, runId: string): string {
  const dir = pathForId(project.runsDir, runId, 'run', { root: project.dir });
  if (!existsSync(dir)) {
    throw new CrucibleError('not-found', `The project has no run "${runId}".`, { hint: 'Pick a run from the runs list.' });
  }
  return dir;
}

export function listProjectRuns(project: Project, isRunning: (runId: string) => boolean = () => false): Promise<RunSummary[]> {
  return listRunSummaries(project.runsDir, isRunning);
}

/** Opens the project's database for `work` (the app queues it, see Session.withStore). */
type WithStore = <T>(work: (store: DataStore) => Promise<T>) => Promise<T>;

/** Each curve's x values, by row id, from the project table the run trained on. */
function projectSteps(project: Project, withStore: WithStore): StepsLookup {
  return async (curves, header) => {
    const steps = new Map<string, Map<string, number[]>>();
    const tables = project.tables.map((t) => t.name);
    if (curves.length === 0) return steps;
    await withStore(async (store) => {
      for (const t of curves) steps.set(t.name, await projectCurveSteps(store, header, t.stepsColumn!, tables));
    });
    return steps;
  };
}

/** A project run's test predictions with, for curves, each row's x values from the project table. */
export function readProjectRunPredictions(project: Project, runId: string, withStore: WithStore): Promise<RunPredictions> {
  return readRunPredictions(projectRunDir(project, runId), projectSteps(project, withStore));
}

/** A project run's HTML report (see engine/report), its curves on the project table's x values. */
export function projectRunReport(project: Project, runId: string, withStore: WithStore): Promise<string> {
  return runReport(projectRunDir(project, runId), { steps: projectSteps(project, withStore) });
}
