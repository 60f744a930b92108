/**
 * Errors of the machine rather than of the user's data — a full disk, a folder without write permission,
 * a read-only file system — turned into messages that say so and name the path. Node reports them as
 * errno codes; DuckDB buries them in its own message ("IO Error: … No space left on device"), so both
 * are recognised.
 */
import { CrucibleError, isCrucibleError } from '../errors';

const CAUSES: { codes: string[]; text: RegExp; message: string; hint: string }[] = [
  {
    codes: ['ENOSPC', 'EDQUOT'],
    text: /No space left on device|Disk quota exceeded/i,
    message: 'The disk is full',
    hint: 'Free some space on that disk (or move the project to a disk with room) and try again; nothing was changed.',
  },
  {
    codes: ['EACCES', 'EPERM'],
    text: /Permission denied|Operation not permitted/i,
    message: 'Permission denied',
    hint: 'Check that you may write to that folder, or choose another one.',
  },
  { codes: ['EROFS'], text: /Read-only file system/i, message: 'The folder is on a read-only file system', hint: 'Copy the project to a writable disk.' },
];

const pathOf = (e: unknown): string | undefined => {
  const p = (e as NodeJS.ErrnoException | undefined)?.path;
  if (p) return p;
  return /(?:file|directory)\s+"([^"]+)"/i.exec(String((e as Error | undefined)?.message ?? ''))?.[1];
};

/** A CrucibleError naming the machine-level cause of `e` (looking through `cause` chains), or null when there is none. */
export function systemError(e: unknown, fallbackPath?: string): CrucibleError | null {
  for (let at: unknown = e, depth = 0; at !== undefined && at !== null && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const code = (at as NodeJS.ErrnoException).code;
    const text = String((at as Error).message ?? at);
    const cause = CAUSES.find((c) => (code !== undefined && c.codes.includes(code)) || c.text.test(text));
    if (!cause) continue;
    const path = pathOf(at) ?? fallbackPath;
    return new CrucibleError('bad-input', `${cause.message}${path ? ` (writing ${path})` : ''}.`, { hint: cause.hint, cause: e });
  }
  return null;
}

/** `e` as the user should read it: a CrucibleError as it is, a machine-level cause translated, anything else unchanged. */
export function explainError(e: unknown, fallbackPath?: string): unknown {
  if (isCrucibleError(e)) return e;
  return systemError(e, fallbackPath) ?? e;
}
