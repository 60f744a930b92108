/**
 * The web mode's server-side folder picker. A browser page cannot see the disk, so the server lists
 * folders for it — only inside the allowed roots (the user's home and the paths given on the
 * command line), so a page can never walk the whole file system.
 */
import { existsSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { extensionOf, SOURCE_EXTENSIONS } from '../data/import/formats';
import { CrucibleError } from '../errors';
import { BUNDLE_EXTENSION } from '../export/bundle/members';
import { PROJECT_FILE } from '../project/layout';

export interface FolderEntry {
  name: string;
  path: string;
  kind: 'folder' | 'project' | 'file';
}

export interface FolderListing {
  path: string;
  /** The enclosing folder, or null at an allowed root. */
  parent: string | null;
  entries: FolderEntry[];
  roots: string[];
}

/** The files a page may pick: data to import or predict on, and model bundles. */
const PICKABLE_EXTENSIONS = new Set([...SOURCE_EXTENSIONS, BUNDLE_EXTENSION]);

export class FolderBrowser {
  readonly roots: string[];

  constructor(roots: string[]) {
    this.roots = [...new Set(roots.map((r) => resolve(r)))];
  }

  /** True when `path` (after resolving symlinks as far as it exists) lies inside an allowed root. */
  async isAllowed(path: string): Promise<boolean> {
    let probe = resolve(path);
    // A folder about to be created does not exist yet: check its nearest existing ancestor.
    while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
    const real = await realpath(probe);
    const realRoots = await Promise.all(this.roots.filter((r) => existsSync(r)).map((r) => realpath(r)));
    return realRoots.some((root) => {
      const rel = relative(root, real);
      return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
    });
  }

  async assertAllowed(path: string): Promise<string> {
    if (!(await this.isAllowed(path))) {
      throw new CrucibleError('bad-input', `${resolve(path)} is outside the folders this window may use.`, {
        hint: `Choose a folder inside ${this.roots.join(' or ')}, or restart Crucible with that folder on its command line.`,
      });
    }
    return resolve(path);
  }

  /** Lists sub-folders (projects marked) and data files of `path` (default: the first root). */
  async list(path?: string, opts: { files?: boolean } = {}): Promise<FolderListing> {
    const dir = await this.assertAllowed(path ?? this.roots[0]);
    if (!existsSync(dir) || !(await stat(dir)).isDirectory()) throw new CrucibleError('not-found', `${dir} is not a folder.`);
    const entries: FolderEntry[] = [];
    for (const dirent of await readdir(dir, { withFileTypes: true })) {
      if (dirent.name.startsWith('.')) continue;
      const full = join(dir, dirent.name);
      if (dirent.isDirectory()) entries.push({ name: dirent.name, path: full, kind: existsSync(join(full, PROJECT_FILE)) ? 'project' : 'folder' });
      else if (opts.files && dirent.isFile() && PICKABLE_EXTENSIONS.has(extensionOf(dirent.name)))
        entries.push({ name: dirent.name, path: full, kind: 'file' });
    }
    entries.sort((a, b) => ((a.kind === 'file') === (b.kind === 'file') ? a.name.localeCompare(b.name) : a.kind === 'file' ? 1 : -1));
    const atRoot = this.roots.includes(dir);
    return { path: dir, parent: atRoot ? null : dirname(dir), entries, roots: this.roots };
  }
}
