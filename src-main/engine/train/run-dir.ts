/**
 * Creates a new run folder `<name>-<UTC time>` (a counter added when the name is taken). The folder is made
 * with an exclusive mkdir, so two processes starting runs in the same second never share one folder.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toId } from '../util/ids';

export function createRunDir(parent: string, name: string): string {
  mkdirSync(parent, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = `${toId(name, 'run', 60)}-${stamp}`;
  for (let i = 1; ; i++) {
    const dir = join(parent, i === 1 ? base : `${base}-${i}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
