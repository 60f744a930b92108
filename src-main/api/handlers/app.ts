/** Handlers for facts about the running application. */
import { crucibleVersion } from '../../engine/paths';
import type { HandlerMap } from '../router';
import type { Session } from '../session';

export function appHandlers(session: Session): Pick<HandlerMap, 'app:info'> {
  return {
    'app:info': () => ({
      name: 'Crucible' as const,
      version: crucibleVersion(),
      mode: session.mode,
      platform: `${process.platform}-${process.arch}`,
      node: process.versions.node,
    }),
  };
}
