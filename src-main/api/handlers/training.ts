/** Handlers for training runs: start, cancel and follow the run in progress, list and read finished runs. */
import {
  describeSource,
  listProjectRuns,
  loadProjectRun,
  planProjectRun,
  projectRunDir,
  projectRunReport,
  projectTrainSettings,
  readProjectRunPredictions,
  saveTrainSettings,
} from '../../engine/project-run/index';
import { readRunDetails } from '../../engine/run-folder/index';
import { createRunDir } from '../../engine/train/run-dir';
import type { HandlerMap } from '../router';
import type { Session } from '../session';
import { listTables } from './data';

type TrainingOps =
  | 'training:settings'
  | 'training:start'
  | 'training:cancel'
  | 'training:active'
  | 'finetune:source'
  | 'runs:list'
  | 'runs:get'
  | 'runs:predictions'
  | 'runs:report';

export function trainingHandlers(session: Session): Pick<HandlerMap, TrainingOps> {
  const running = (runId: string) => session.training.isRunning(runId);
  return {
    'training:settings': () => projectTrainSettings(session.requireProject()),
    'training:start': async ({ settings, fineTune }) => {
      const project = session.requireProject();
      const plan = await planProjectRun(project, await listTables(session, project), { settings, fineTune });
      await saveTrainSettings(project, settings);
      const run = await session.exclusive(() => loadProjectRun(project, plan));
      const { runId } = session.training.start(run.config, run.data, createRunDir(project.runsDir, plan.runName), run.initFrom);
      return { runId };
    },
    'finetune:source': async ({ from }) => {
      const { label, tasks, sharedDims, featurizer } = await describeSource(session.requireProject(), from);
      return { label, tasks: tasks.map(({ name, type, column }) => ({ name, type, column })), sharedDims, featurizer };
    },
    'training:cancel': ({ runId }) => ({ cancelling: session.training.cancel(runId) }),
    'training:active': () => {
      const run = session.training.current;
      const project = session.project.dir ? session.requireProject() : null;
      if (!run || !project || !run.runDir.startsWith(project.runsDir)) return { run: null };
      return { run: { runId: run.runId, history: [...run.history], progress: run.progress, tasks: run.tasks } };
    },
    'runs:list': async () => ({ runs: await listProjectRuns(session.requireProject(), running) }),
    'runs:get': ({ runId }) => readRunDetails(projectRunDir(session.requireProject(), runId), running(runId)),
    'runs:predictions': ({ runId }) => readProjectRunPredictions(session.requireProject(), runId, (work) => session.withStore(work)),
    'runs:report': async ({ runId }) => ({
      html: await projectRunReport(session.requireProject(), runId, (work) => session.withStore(work)),
      fileName: `${runId}-report.html`,
    }),
  };
}
