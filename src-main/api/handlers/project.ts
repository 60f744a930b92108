/** Handlers for opening, creating and describing projects. */
import type { HandlerMap } from '../router';
import type { Session } from '../session';

export function projectHandlers(session: Session): Pick<HandlerMap, 'project:current'> {
  return {
    'project:current': () => session.project,
  };
}
