/** The layering rule: only the Electron shell (app/, preload/) may import electron; the engine runs under plain Node. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/paths';

const ELECTRON_IMPORT = /(?:from\s+['"]electron(?:\/[^'"]*)?['"]|require\(\s*['"]electron(?:\/[^'"]*)?['"]\s*\)|import\(\s*['"]electron(?:\/[^'"]*)?['"]\s*\))/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs|svelte)$/.test(name) ? [path] : [];
  });
}

function importersOfElectron(folder: string): string[] {
  return sourceFiles(join(repoRoot, folder))
    .filter((f) => ELECTRON_IMPORT.test(readFileSync(f, 'utf8')))
    .map((f) => relative(repoRoot, f));
}

describe('layers', () => {
  it('the pattern catches every form of importing electron', () => {
    for (const line of ["import { app } from 'electron';", 'const e = require("electron")', "await import('electron')", "import x from 'electron/main'"]) {
      expect(ELECTRON_IMPORT.test(line), line).toBe(true);
    }
    expect(ELECTRON_IMPORT.test("import x from 'electron-vite'")).toBe(false);
  });

  it.each(['src-main/engine', 'src-main/api', 'src-main/server', 'src-main/cli', 'src-renderer'])('%s never imports electron', (folder) => {
    expect(importersOfElectron(folder)).toEqual([]);
  });

  it('the renderer reaches the main side only through the API contract', () => {
    const offenders = sourceFiles(join(repoRoot, 'src-renderer'))
      .filter((f) => /from\s+['"][./]*src-main\/(?!api\/contract['"])/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(repoRoot, f));
    expect(offenders).toEqual([]);
  });
});
