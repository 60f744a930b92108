/**
 * Binds the API contract to Electron IPC: one `ipcMain.handle` per request name, events pushed to
 * the window. Takes the IPC objects as parameters so it is tested without the Electron binary.
 */
import { EVENT_CHANNEL, requestNames } from '../api/contract';
import type { EventHub, Router } from '../api/router';

/** The subset of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface EventTarget {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

/**
 * @param isTrustedUrl the renderer URL check: IPC from any other frame (an injected iframe, a page
 *   navigated elsewhere) is refused before the payload is even looked at.
 */
export function bindIpc(ipc: IpcMainLike, router: Router, hub: EventHub, target: EventTarget, isTrustedUrl: (url: string) => boolean): () => void {
  for (const name of requestNames) {
    ipc.handle(name, (event, args) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) {
        return { ok: false, error: { code: 'unauthorized', message: `IPC refused from ${url || 'an unknown frame'}.` } };
      }
      return router.dispatch(name, args);
    });
  }
  const unsubscribe = hub.subscribe((event, payload) => {
    if (!target.isDestroyed()) target.send(EVENT_CHANNEL, event, payload);
  });
  return () => {
    unsubscribe();
    for (const name of requestNames) ipc.removeHandler(name);
  };
}
