/** `crucible serve`: the web mode on 127.0.0.1, the URL with its token as the first line on stdout. */
import type { Command } from 'commander';
import { ensureDemoProject } from '../../api/demo-project';
import { CrucibleError } from '../../engine/errors';
import { serveWeb } from '../../server/serve';
import { openBrowser } from '../open-browser';
import { parsePort } from '../options';

export interface ServeCliOptions {
  port: number;
  open: boolean;
  allow?: string[];
  demo?: boolean;
}

/** The project to open: the one named, or with --demo the demo project (created on first use). */
export async function chooseProject(project: string | undefined, demo: boolean | undefined): Promise<string | undefined> {
  if (!demo) return project;
  if (project) throw new CrucibleError('bad-input', `Both a project (${project}) and --demo were given.`, { hint: 'Give one of the two.' });
  return ensureDemoProject();
}

/** Serves until SIGINT/SIGTERM; used by `serve` and by `start` when Electron is unavailable. */
export async function runWebMode(projectDir: string | undefined, opts: ServeCliOptions): Promise<void> {
  // A server answers many clients: a promise some handler forgot to await must not end it for all of them.
  process.on('unhandledRejection', (reason) => console.error('crucible serve: unhandled rejection', reason));
  const { server } = await serveWeb({ projectDir, port: opts.port, allow: opts.allow });
  process.stdout.write(`${server.url}\n`);
  const removePage = opts.open ? openBrowser(server.url, server.port) : null;
  // The URL line above is for scripts; people, and `npm start` after its build output, need to be told what to do with it.
  process.stderr.write(
    `Crucible web mode on 127.0.0.1 only. Open ${server.url} in your browser${removePage ? ' (your default browser was asked to open it)' : ''}.\n` +
      'Press Ctrl+C to stop.\n',
  );
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  removePage?.();
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the app to a browser on 127.0.0.1 (token-protected URL printed first)')
    .argument('[project]', 'project folder to open')
    .option('-p, --port <n>', 'port to listen on (0 = any free port)', parsePort, 0)
    .option('--no-open', 'do not open a browser')
    .option('--allow <folders...>', 'folders the UI may browse besides your home folder')
    .option('--demo', 'open the demo project (created in your config folder on first use)', false)
    .action(async (project: string | undefined, opts: ServeCliOptions) => runWebMode(await chooseProject(project, opts.demo), opts));
}
