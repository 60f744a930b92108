/** All request handlers, one module per feature; the HandlerMap type makes a missing one a compile error. */
import { Router, type HandlerMap } from '../router';
import type { Session } from '../session';
import { analysisHandlers } from './analysis';
import { appHandlers } from './app';
import { dataHandlers } from './data';
import { modelHandlers } from './models';
import { projectHandlers } from './project';
import { taskHandlers } from './tasks';
import { trainingHandlers } from './training';

export function createHandlers(session: Session): HandlerMap {
  return {
    ...appHandlers(session),
    ...projectHandlers(session),
    ...dataHandlers(session),
    ...taskHandlers(session),
    ...trainingHandlers(session),
    ...modelHandlers(session),
    ...analysisHandlers(session),
  };
}

export function createRouter(session: Session): Router {
  return new Router(createHandlers(session), () => session.syncProject());
}
