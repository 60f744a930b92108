/**
 * One writer of project.json at a time, across processes (a window, `crucible serve`, a CLI command): a lock
 * folder beside it (proper-lockfile: atomic mkdir, kept fresh while held, taken over once stale, so a process
 * killed while holding it blocks nobody for long). Writers re-read project.json under the lock, so no change
 * made by another process is lost.
 */
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { CrucibleError } from '../errors';
import { PROJECT_FILE } from './layout';

/** A lock unrefreshed for this long belongs to a process that died. */
const STALE_MS = 10_000;

export async function withProjectLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, `.${PROJECT_FILE}.lock`),
      realpath: false,
      stale: STALE_MS,
      retries: { retries: 100, factor: 1.2, minTimeout: 20, maxTimeout: 500 },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    throw new CrucibleError('bad-input', `${join(dir, PROJECT_FILE)} is being changed by another Crucible process.`, {
      hint: 'Wait for it to finish (an import or a run starting), then try again.',
      cause: e,
    });
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
