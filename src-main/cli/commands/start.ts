/** `crucible start`: the desktop app, or the web mode in a browser where Electron's binary is missing. */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { packageRoot } from '../../engine/paths';
import { findElectronBinary } from '../electron-binary';
import { chooseProject, runWebMode } from './serve';

interface StartOptions {
  web: boolean;
  demo: boolean;
}

async function startDesktop(binary: string, project: string | undefined): Promise<void> {
  const args = [packageRoot(), ...(project ? ['--project', project] : [])];
  const child = spawn(binary, args, { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 0)));
  process.exitCode = code;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('open the desktop app (falls back to the web mode when Electron is not installed)')
    .argument('[project]', 'project folder to open')
    .option('--web', 'use the web mode even when Electron is installed', false)
    .option('--demo', 'open the demo project (created in your config folder on first use)', false)
    .action(async (given: string | undefined, opts: StartOptions) => {
      const project = await chooseProject(given, opts.demo);
      const binary = opts.web ? null : findElectronBinary();
      if (binary) return startDesktop(binary, project);
      if (!opts.web) {
        process.stderr.write("Electron's binary is not installed (run `npm run install:electron` to get it): starting the web mode instead.\n");
      }
      await runWebMode(project, { port: 0, open: true });
    });
}
