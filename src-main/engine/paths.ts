/** Locates Crucible's own files (resources/, package.json) from source, from the build and when packaged. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The folder holding Crucible's package.json: found by walking up from this module. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'crucible') return (cachedRoot = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Crucible package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Run-time data shipped with the app; a packaged app points CRUCIBLE_RESOURCES at its resources folder. */
export function resourcesDir(): string {
  return process.env.CRUCIBLE_RESOURCES ? resolve(process.env.CRUCIBLE_RESOURCES) : join(packageRoot(), 'resources');
}

export function crucibleVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
