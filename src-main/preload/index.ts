/**
 * Preload: exposes the contract's named operations as `window.crucible`, never `ipcRenderer`
 * itself. Built as CommonJS so the renderer's sandbox stays on.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, type PreloadApi, isEventName, requestNames } from '../api/contract';

const api: PreloadApi = {
  invoke: Object.fromEntries(requestNames.map((name) => [name, (args: unknown) => ipcRenderer.invoke(name, args)])) as PreloadApi['invoke'],
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
    const wrapped = (_e: unknown, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('crucible', api);
