/** Paths the tests share: the repository root, the real data sets in data/, scratch folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A file of the real public data sets in data/ (each folder has its README with source and licence). */
export function dataSet(...parts: string[]): string {
  return join(repoRoot, 'data', ...parts);
}

/** A fresh temporary folder; call the returned cleanup in afterEach/afterAll. */
export function scratchDir(prefix = 'crucible-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
