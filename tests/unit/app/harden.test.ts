/** The window refuses navigation, new windows, webviews and every permission, and never opens a URL outside (fakes of Electron's objects). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardenContents, type ContentsLike } from '../../../src-main/app/harden';
import { repoRoot } from '../../helpers/paths';

function fakeContents() {
  const listeners = new Map<string, (e: { preventDefault(): void }) => void>();
  const handlers: {
    open?: (d: { url: string }) => { action: 'deny' };
    permission?: Parameters<ContentsLike['session']['setPermissionRequestHandler']>[0];
    check?: () => boolean;
  } = {};
  const contents: ContentsLike = {
    on: (event, listener) => listeners.set(event, listener),
    setWindowOpenHandler: (h) => (handlers.open = h),
    session: { setPermissionRequestHandler: (h) => (handlers.permission = h), setPermissionCheckHandler: (h) => (handlers.check = h) },
  };
  return { contents, listeners, handlers };
}

describe('window hardening', () => {
  it('prevents navigation, redirects and webviews', () => {
    const { contents, listeners } = fakeContents();
    hardenContents(contents);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      listeners.get(event)!({ preventDefault: () => (prevented = true) });
      expect(prevented, event).toBe(true);
    }
  });

  it('denies every new window (http, file, javascript) and every permission request and check', () => {
    const { contents, handlers } = fakeContents();
    const log: string[] = [];
    hardenContents(contents, (m) => log.push(m));
    for (const url of ['https://example.com', 'file:///etc/passwd', 'javascript:alert(1)']) expect(handlers.open!({ url })).toEqual({ action: 'deny' });
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      let granted: boolean | undefined;
      handlers.permission!(null, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
    }
    expect(handlers.check!()).toBe(false);
    expect(log).toContain('Refused to open a window for file:///etc/passwd');
  });

  it('hands nothing to shell.openExternal anywhere in the app', () => {
    for (const file of ['index.ts', 'window.ts', 'menu.ts', 'ipc.ts', 'harden.ts']) {
      expect(readFileSync(join(repoRoot, 'src-main', 'app', file), 'utf8'), file).not.toMatch(/openExternal\(/);
    }
  });
});
