/**
 * The one place an id becomes a path: `folder/<id><suffix>`, refused unless the id follows the id rule,
 * the path lies directly inside `folder`, and `folder` itself (after following symbolic links) lies inside
 * `root` when one is given — so a `models` link planted to point elsewhere cannot carry a write out of
 * the project. Every operation that reads, writes or replaces a file named by a request goes through it.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { CrucibleError } from '../errors';
import { ID_RULE, isValidId } from './ids';

function within(parent: string, path: string): boolean {
  const rel = relative(parent, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !/^[A-Za-z]:/.test(rel) && !rel.startsWith(sep));
}

export interface IdPathOptions {
  /** Appended to the id, e.g. `.crucible`. */
  suffix?: string;
  /** The project folder `folder` must stay inside, links followed. */
  root?: string;
}

/** `what` names the kind of id in messages ("model", "run"). */
export function pathForId(folder: string, id: string, what: string, opts: IdPathOptions = {}): string {
  if (!isValidId(id)) throw new CrucibleError('bad-input', `"${id}" cannot name a ${what}.`, { hint: `Use ${ID_RULE}.` });
  const base = resolve(folder);
  const path = join(base, `${id}${opts.suffix ?? ''}`);
  const outside = () =>
    new CrucibleError('bad-input', `The ${what} "${id}" would lie outside ${opts.root ?? base}.`, {
      hint: `Check that ${base} is a folder of the project, not a link to another place.`,
    });
  if (relative(base, path).includes(sep)) throw outside();
  if (opts.root !== undefined && existsSync(base) && !within(realpathSync(resolve(opts.root)), realpathSync(base))) throw outside();
  return path;
}
