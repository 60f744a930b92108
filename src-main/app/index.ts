/** Electron main process: one window over the shared API contract. Everything else lives in the engine. */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, ipcMain } from 'electron';
import { createRouter } from '../api/handlers/index';
import { Session } from '../api/session';
import { bindIpc } from './ipc';
import { installMenu } from './menu';
import { createMainWindow, rendererIndexPath } from './window';

const mainDir = dirname(fileURLToPath(import.meta.url));

function projectFromArgv(argv: string[]): string | undefined {
  const i = argv.indexOf('--project');
  return i >= 0 ? argv[i + 1] : undefined;
}

async function boot(): Promise<void> {
  // A packaged app keeps resources/ beside the asar (electron-builder's extraResources).
  if (app.isPackaged) process.env.CRUCIBLE_RESOURCES ??= join(process.resourcesPath, 'resources');
  await app.whenReady();
  installMenu();
  const project = projectFromArgv(process.argv);
  const session = new Session('electron', { allowedRoots: project ? [dirname(project)] : [] });

  const rendererIndex = rendererIndexPath(mainDir);
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const win = createMainWindow({ preload: join(mainDir, '..', 'preload', 'index.cjs'), devUrl, rendererIndex });
  const trustedPrefix = devUrl ?? pathToFileURL(rendererIndex).href;
  bindIpc(ipcMain, createRouter(session), session.events, win.webContents, (url) => url.startsWith(trustedPrefix));
  // A project that fails to open leaves the app on its project picker, with the reason in the log.
  if (project) await session.open(project).catch((e: unknown) => console.error(e instanceof Error ? e.message : e));

  app.on('window-all-closed', () => app.quit());
}

void boot();
