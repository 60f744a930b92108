/** Starts the web mode for a session over the built renderer: shared by `crucible serve` and `crucible start`. */
import { dirname, join, resolve } from 'node:path';
import { createRouter } from '../api/handlers/index';
import { Session } from '../api/session';
import { packageRoot } from '../engine/paths';
import { startWebServer, type RunningWebServer } from './web-server';

export interface ServeOptions {
  projectDir?: string;
  /** Extra folders the UI may browse and create projects in (besides home and the project's folder). */
  allow?: string[];
  port?: number;
  token?: string;
}

export async function serveWeb(opts: ServeOptions = {}): Promise<{ server: RunningWebServer; session: Session }> {
  const roots = [...(opts.allow ?? []), ...(opts.projectDir ? [dirname(resolve(opts.projectDir))] : [])];
  const session = new Session('web', { allowedRoots: roots });
  if (opts.projectDir) await session.open(opts.projectDir);
  const server = await startWebServer({
    session,
    router: createRouter(session),
    rendererDir: join(packageRoot(), 'out', 'renderer'),
    port: opts.port,
    token: opts.token,
  });
  return { server, session };
}
