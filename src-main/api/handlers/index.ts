/** All request handlers, one module per feature; the HandlerMap type makes a missing one a compile error. */
import { Router, type HandlerMap } from '../router';
import type { Session } from '../session';
import { appHandlers } from './app';
import { projectHandlers } from './project';

export function createHandlers(session: Session): HandlerMap {
  return {
    ...appHandlers(session),
    ...projectHandlers(session),
  };
}

export function createRouter(session: Session): Router {
  return new Router(createHandlers(session));
}
