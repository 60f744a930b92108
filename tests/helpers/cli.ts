/** Runs the `crucible` command as a user would, from the TypeScript sources (no build needed). */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

const bin = join(repoRoot, 'bin', 'crucible.js');
// Recent-project lists and the demo project go to a throw-away folder, never the tester's own config.
/** The environment every command runs with. */
export const cliEnv = { ...process.env, CRUCIBLE_FROM_SOURCE: '1', NO_COLOR: '1', CRUCIBLE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'crucible-config-')) };

export interface CliResult {
  status: number | null;
  /** The signal that ended the command, e.g. SIGKILL. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...cliEnv, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a long-running command (e.g. `serve`) and resolves with its first stdout line. */
export function startCli(args: string[], opts: { fromSource?: boolean; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    env: { ...cliEnv, ...(opts.fromSource === false ? { CRUCIBLE_FROM_SOURCE: '' } : {}), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`crucible ${args.join(' ')} exited ${code}: ${stderr}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, firstLine, stop, stderr: () => stderr };
}
