/** Names a new run folder: `<name>-<UTC time>`, with a counter if two runs start in the same second. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function newRunDir(parent: string, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'run';
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let dir = join(parent, `${safe}-${stamp}`);
  for (let i = 2; existsSync(dir); i++) dir = join(parent, `${safe}-${stamp}-${i}`);
  return dir;
}
