/**
 * A clone of the repository is complete: nothing it runs (code, tests, examples, benchmarks, README) reads a
 * folder beside the checkout. The real data sets live in data/, the PyTorch peer in bench/peer/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/paths';

/**
 * The workspace folder beside the checkout that a clone lacks. Its name is assembled, so this file, which must
 * spell out what it looks for, does not itself contain a path to it.
 */
const BESIDE = ['sh', 'ared'].join('');

/** `../<folder>`, `..\<folder>`, or a path.join(…, '..', '<folder>', …) built in code. */
const OUTSIDE = new RegExp(String.raw`\.\.[/\\]+(?:\.\.[/\\]+)*${BESIDE}\b|['"]\.\.['"]\s*,\s*(?:['"]\.\.['"]\s*,\s*)*['"]${BESIDE}['"]`);

function trackedAndNewFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  return out.split('\n').filter((f) => f && !f.startsWith('data/') && f !== 'package-lock.json' && existsSync(join(repoRoot, f)));
}

describe('the repository stands on its own', () => {
  it('the pattern catches the ways a path beside the checkout is written', () => {
    for (const line of [
      `../${BESIDE}/data/x.csv`,
      `../../${BESIDE}/data`,
      `join(root, '..', '${BESIDE}', 'data')`,
      `join(root, '..', '..', '${BESIDE}')`,
      `..\\${BESIDE}\\peer`,
    ]) {
      expect(OUTSIDE.test(line), line).toBe(true);
    }
    expect(OUTSIDE.test(`${BESIDE}_block_dims`)).toBe(false);
    expect(OUTSIDE.test('../data/mp_phonon_dos')).toBe(false);
  });

  it('no file reads the folder beside the checkout', () => {
    const offenders = trackedAndNewFiles().filter((f) => {
      const text = readFileSync(join(repoRoot, f));
      return !text.includes(0) && OUTSIDE.test(text.toString('utf8'));
    });
    expect(offenders).toEqual([]);
  });

  it('every data set folder says where it comes from and under which licence', () => {
    const readme = readFileSync(join(repoRoot, 'data', 'README.md'), 'utf8');
    const folders = [...readme.matchAll(/^\| ([a-z_]+) \|/gm)].map((m) => m[1]).filter((f) => f !== 'folder');
    expect(folders.length).toBeGreaterThanOrEqual(8);
    for (const folder of folders) {
      const text = readFileSync(join(repoRoot, 'data', folder, 'README.md'), 'utf8');
      expect(text, folder).toMatch(/[Ll]icen[cs]e/);
      expect(text, folder).toMatch(/[Ss]ource/);
    }
  });
});
