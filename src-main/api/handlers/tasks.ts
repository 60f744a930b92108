/** Handlers for the project's tasks: what the engine offers, the saved mapping, and checks as the user types. */
import { FEATURIZER_IDS, getFeaturizer } from '../../engine/data/featurize/index';
import { CrucibleError } from '../../engine/errors';
import { headTypes } from '../../engine/model/heads/index';
import { checkTasks, countLabelledRows, projectTrainSettings, saveProjectTasks } from '../../engine/project-run/index';
import { weightings } from '../../engine/train/weighting/index';
import { BACKENDS } from '../../engine/vocabulary';
import type { Catalog } from '../contract';
import { optionFields } from '../tasks/option-fields';
import type { HandlerMap } from '../router';
import type { Session } from '../session';
import { listTables } from './data';

type TaskOps = 'tasks:catalog' | 'tasks:get' | 'tasks:save' | 'tasks:check';

export function catalog(): Catalog {
  return {
    heads: Object.values(headTypes).map((h) => ({ id: h.id, kind: h.kind, label: h.label, fields: optionFields(h.options) })),
    weightings: Object.values(weightings).map((w) => ({ id: w.id, label: w.label })),
    featurizers: FEATURIZER_IDS.map((id) => ({ id, label: `${id} (${getFeaturizer(id).featureNames.length} descriptors)` })),
    backends: [...BACKENDS],
  };
}

export function taskHandlers(session: Session): Pick<HandlerMap, TaskOps> {
  return {
    'tasks:catalog': () => catalog(),
    'tasks:get': () => ({ tasks: session.requireProject().description.tasks }),
    'tasks:save': async ({ tasks }) => {
      const project = session.requireProject();
      return { tasks: await saveProjectTasks(project, tasks, await listTables(session, project)) };
    },
    'tasks:check': async ({ tasks, counts }) => {
      const project = session.requireProject();
      const check = checkTasks(tasks, await listTables(session, project));
      if (!counts) return { problems: check.problems, counts: null, overlap: null, lowerBounds: null, countsError: null };
      const valid = check.tasks.filter((t) => t !== null);
      try {
        const labelled = await session.exclusive(() => countLabelledRows(project, valid, projectTrainSettings(project)));
        return { problems: check.problems, ...labelled, countsError: null };
      } catch (e) {
        if (!(e instanceof CrucibleError)) throw e;
        return { problems: check.problems, counts: null, overlap: null, lowerBounds: null, countsError: e.describe() };
      }
    },
  };
}
