/** The Electron IPC binding, driven through fakes of ipcMain and webContents (no Electron binary needed). */
import { describe, expect, it } from 'vitest';
import { bindIpc, type IpcMainLike } from '../../../src-main/app/ipc';
import { EVENT_CHANNEL, requestNames } from '../../../src-main/api/contract';
import { createRouter } from '../../../src-main/api/handlers/index';
import { Session } from '../../../src-main/api/session';

function fakeIpc() {
  const handlers = new Map<string, (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipc, handlers };
}

describe('Electron IPC binding', () => {
  const trusted = 'file:///app/out/renderer/index.html';

  function setup() {
    const { ipc, handlers } = fakeIpc();
    const session = new Session('electron');
    const sent: unknown[][] = [];
    const target = { send: (...args: unknown[]) => void sent.push(args), isDestroyed: () => false };
    const unbind = bindIpc(ipc, createRouter(session), session.events, target, (url) => url.startsWith(trusted));
    return { handlers, session, sent, unbind };
  }

  it('registers exactly one handler per contract request', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual([...requestNames].sort());
  });

  it('serves the same contract as the web mode to our own window', async () => {
    const { handlers } = setup();
    const out = await handlers.get('app:info')!({ senderFrame: { url: trusted } }, {});
    expect(out).toMatchObject({ ok: true, result: { name: 'Crucible', mode: 'electron' } });
  });

  it('refuses IPC from any other frame', async () => {
    const { handlers } = setup();
    const out = await handlers.get('app:info')!({ senderFrame: { url: 'https://evil.example/' } }, {});
    expect(out).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await handlers.get('app:info')!({ senderFrame: null }, {})).toMatchObject({ ok: false });
  });

  it('validates payloads at the boundary', async () => {
    const { handlers } = setup();
    expect(await handlers.get('project:current')!({ senderFrame: { url: trusted } }, { path: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
  });

  it('forwards engine events to the window and unbinds cleanly', () => {
    const { handlers, session, sent, unbind } = setup();
    session.close();
    expect(sent).toEqual([[EVENT_CHANNEL, 'project:changed', { dir: null, name: null }]]);
    unbind();
    expect(handlers.size).toBe(0);
    session.close();
    expect(sent).toHaveLength(1);
  });
});
