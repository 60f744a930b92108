/** The hardened main window: isolated, sandboxed renderer that cannot navigate away, open windows or get permissions. */
import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import { hardenContents } from './harden';

export interface MainWindowOptions {
  preload: string;
  /** Dev server URL (electron-vite dev) or undefined to load the built index.html. */
  devUrl?: string;
  rendererIndex: string;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Crucible',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  hardenContents(win.webContents, (message) => console.warn(message));
  if (opts.devUrl) void win.loadURL(opts.devUrl);
  else void win.loadFile(opts.rendererIndex);
  return win;
}

export function rendererIndexPath(mainDir: string): string {
  return join(mainDir, '..', 'renderer', 'index.html');
}
