/** Starts the web mode for a session over the built renderer: shared by `crucible serve` and `crucible start`. */
import { join } from 'node:path';
import { createRouter } from '../api/handlers/index';
import { Session } from '../api/session';
import { packageRoot } from '../engine/paths';
import { startWebServer, type RunningWebServer } from './web-server';

export interface ServeOptions {
  projectDir?: string;
  port?: number;
  token?: string;
}

export async function serveWeb(opts: ServeOptions = {}): Promise<{ server: RunningWebServer; session: Session }> {
  const session = new Session('web');
  if (opts.projectDir) session.setProject(opts.projectDir);
  const server = await startWebServer({
    session,
    router: createRouter(session),
    rendererDir: join(packageRoot(), 'out', 'renderer'),
    port: opts.port,
    token: opts.token,
  });
  return { server, session };
}
