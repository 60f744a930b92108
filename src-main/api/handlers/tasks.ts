/** Handlers for the project's tasks: what the engine offers, the saved mapping, and checks as the user types. */
import { FEATURIZER_IDS, getFeaturizer } from '../../engine/data/featurize/index';
import { CrucibleError } from '../../engine/errors';
import { headTypes } from '../../engine/model/heads/index';
import { weightings } from '../../engine/train/weighting/index';
import { BACKEND_CHOICES, type Catalog, type TaskType } from '../contract';
import { checkTasks } from '../tasks/check-tasks';
import { optionFields } from '../tasks/option-fields';
import { countLabelledRows, readProjectTasks, writeProjectTasks } from '../tasks/project-tasks';
import { readTrainSettings } from '../training/train-settings';
import type { HandlerMap } from '../router';
import type { Session } from '../session';
import { listTables } from './data';

type TaskOps = 'tasks:catalog' | 'tasks:get' | 'tasks:save' | 'tasks:check';

export function catalog(): Catalog {
  return {
    heads: Object.values(headTypes).map((h) => ({ id: h.id, kind: h.kind as TaskType, label: h.label, fields: optionFields(h.options) })),
    weightings: Object.values(weightings).map((w) => ({ id: w.id, label: w.label })),
    featurizers: FEATURIZER_IDS.map((id) => ({ id, label: `${id} (${getFeaturizer(id).featureNames.length} descriptors)` })),
    backends: [...BACKEND_CHOICES],
  };
}

export function taskHandlers(session: Session): Pick<HandlerMap, TaskOps> {
  return {
    'tasks:catalog': () => catalog(),
    'tasks:get': () => ({ tasks: readProjectTasks(session.requireProject()) }),
    'tasks:save': async ({ tasks }) => {
      const project = session.requireProject();
      const check = checkTasks(tasks, await listTables(session, project));
      if (check.problems.length > 0) {
        const first = check.problems[0];
        throw new CrucibleError('bad-input', `Task ${first.task + 1}${first.field ? ` (${first.field})` : ''}: ${first.message}`, {
          hint: check.problems.length > 1 ? `${check.problems.length - 1} more problem(s); fix them on the Tasks page.` : undefined,
        });
      }
      const valid = check.tasks.map((t) => t!);
      await writeProjectTasks(project, valid);
      return { tasks: valid };
    },
    'tasks:check': async ({ tasks, counts }) => {
      const project = session.requireProject();
      const check = checkTasks(tasks, await listTables(session, project));
      if (!counts) return { problems: check.problems, counts: null, countsError: null };
      const valid = check.tasks.filter((t) => t !== null);
      try {
        const settings = readTrainSettings(project);
        return { problems: check.problems, counts: await session.exclusive(() => countLabelledRows(project, valid, settings)), countsError: null };
      } catch (e) {
        if (!(e instanceof CrucibleError)) throw e;
        return { problems: check.problems, counts: null, countsError: e.describe() };
      }
    },
  };
}
