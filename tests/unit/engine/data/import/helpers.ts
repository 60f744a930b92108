/** Shared set-up for the import tests: a fresh project per test file and small synthetic files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { ImportProblemsError } from '../../../../../src-main/engine/data/import';

/** Writes `text` to `dir/name` and returns the path. */
export function writeFile(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A CSV with a formula column and `n` numeric rows, with `edit` applied to row i (0-based data row). */
export function numericCsv(n: number, edit: (i: number) => string | undefined = () => undefined): string {
  const lines = ['formula,value'];
  for (let i = 0; i < n; i++) lines.push(edit(i) ?? `Fe${i + 1}O,${(i * 0.5).toFixed(1)}`);
  return `${lines.join('\n')}\n`;
}

/** The error a promise rejects with, checked to be a CrucibleError. */
export async function rejection(p: Promise<unknown>): Promise<CrucibleError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CrucibleError) return e;
    throw e;
  }
  throw new Error('expected the promise to reject');
}

/** The problems of an import refused for bad input. */
export async function importProblems(p: Promise<unknown>): Promise<ImportProblemsError> {
  const e = await rejection(p);
  if (!(e instanceof ImportProblemsError)) throw new Error(`expected ImportProblemsError, got ${e.code}: ${e.message}`);
  return e;
}
