/** Handlers for training runs: start, cancel and follow the run in progress, list and read finished runs. */
import { CrucibleError } from '../../engine/errors';
import { createRunDir } from '../../engine/train/run-dir';
import { checkTasks } from '../tasks/check-tasks';
import { loadTaskData, readProjectTasks } from '../tasks/project-tasks';
import { applyFineTune, describeSource, loadFineTuneSource } from '../training/fine-tune';
import { listRuns, readPredictions, readRunDetails } from '../training/run-reader';
import { readTrainSettings, writeTrainSettings } from '../training/train-settings';
import type { HandlerMap } from '../router';
import type { Session } from '../session';
import { listTables } from './data';

type TrainingOps =
  'training:settings' | 'training:start' | 'training:cancel' | 'training:active' | 'finetune:source' | 'runs:list' | 'runs:get' | 'runs:predictions';

export function trainingHandlers(session: Session): Pick<HandlerMap, TrainingOps> {
  const running = (runId: string) => session.training.isRunning(runId);
  return {
    'training:settings': () => readTrainSettings(session.requireProject()),
    'training:start': async ({ settings, fineTune }) => {
      const project = session.requireProject();
      const stored = readProjectTasks(project);
      const check = checkTasks(stored, await listTables(session, project));
      // A fine-tuning run trains the tasks it names; a plain run the enabled ones.
      const chosen = fineTune ? stored.filter((t) => fineTune.tasks.includes(t.name)).map((t) => ({ ...t, enabled: true })) : stored.filter((t) => t.enabled);
      if (chosen.length === 0)
        throw new CrucibleError('bad-config', 'No task is enabled.', { hint: 'Map columns to tasks on the Tasks page and enable at least one.' });
      const broken = check.problems.find((p) => chosen.some((t) => t.name === stored[p.task].name) && p.field !== 'enabled');
      if (broken) {
        throw new CrucibleError('bad-config', `Task "${stored[broken.task].name}": ${broken.message}`, { hint: 'Fix it on the Tasks page, or disable it.' });
      }
      const tables = [...new Set(chosen.map((t) => t.table))];
      if (tables.length > 1)
        throw new CrucibleError('bad-config', `The tasks come from tables ${tables.join(' and ')}; a run trains on one table.`, {
          hint: 'Choose tasks of one table.',
        });
      await writeTrainSettings(project, settings);
      let source: Awaited<ReturnType<typeof describeSource>> | undefined;
      if (fineTune) source = await describeSource(project, fineTune.from);
      // The encoder must be the source's: its widths and its featurizer.
      const effective = source
        ? { ...settings, sharedDims: source.sharedDims.length ? source.sharedDims : settings.sharedDims, featurizer: source.featurizer ?? settings.featurizer }
        : settings;
      const { config, data, initFrom } = await session.exclusive(async () => ({
        ...(await loadTaskData(project, tables[0], chosen, effective, fineTune ? (raw) => applyFineTune(raw, fineTune) : undefined)),
        initFrom: fineTune ? await loadFineTuneSource(project, fineTune.from) : undefined,
      }));
      const { runId } = session.training.start(config, data, createRunDir(project.runsDir, settings.name.trim() || (fineTune ? 'finetune' : 'run')), initFrom);
      return { runId };
    },
    'finetune:source': async ({ from }) => {
      const view = await describeSource(session.requireProject(), from);
      return {
        label: view.label,
        tasks: view.tasks.map(({ name, type, column }) => ({ name, type, column })),
        sharedDims: view.sharedDims,
        featurizer: view.featurizer,
      };
    },
    'training:cancel': ({ runId }) => ({ cancelling: session.training.cancel(runId) }),
    'training:active': () => {
      const run = session.training.current;
      const project = session.project.dir ? session.requireProject() : null;
      if (!run || !project || !run.runDir.startsWith(project.runsDir)) return { run: null };
      return { run: { runId: run.runId, history: [...run.history], progress: run.progress, tasks: run.tasks } };
    },
    'runs:list': async () => ({ runs: await listRuns(session.requireProject(), running) }),
    'runs:get': ({ runId }) => readRunDetails(session.requireProject(), runId, running(runId)),
    'runs:predictions': ({ runId }) => readPredictions(session.requireProject(), runId, (work) => session.withStore(work)),
  };
}
