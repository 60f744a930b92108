/** Problems found while reading a file: one-line descriptions, capped lists, and the error that refuses an import. */
import { CrucibleError } from '../../errors';
import type { Problem } from './types';

/** How many problems, or rows within one problem, are spelled out before "and N more". */
export const MAX_LISTED = 10;

/** `file, row 3, column "x": message hint` (the same shape as CrucibleError.describe). */
export function describeProblem(p: Problem): string {
  return new CrucibleError('bad-input', p.message, { location: p.location, hint: p.hint }).describe();
}

/** Raised when a file has errors: carries every problem found; its message lists the first few in one line. */
export class ImportProblemsError extends CrucibleError {
  readonly problems: Problem[];

  constructor(file: string, problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length === 1) {
      super('bad-input', errors[0].message, { location: errors[0].location, hint: errors[0].hint });
    } else {
      const listed = errors.slice(0, MAX_LISTED).map((p) => describeProblem({ ...p, location: p.location && { ...p.location, file: undefined } }));
      const more = errors.length > MAX_LISTED ? ` … and ${errors.length - MAX_LISTED} more problems.` : '';
      super('bad-input', `${errors.length} problems, nothing imported: ${listed.map((l, i) => `(${i + 1}) ${l}`).join(' ')}${more}`, {
        location: { file },
      });
    }
    this.problems = problems;
  }
}

/** Throws ImportProblemsError when `problems` holds any error. */
export function failOnErrors(file: string, problems: Problem[]): void {
  if (problems.some((p) => p.severity === 'error')) throw new ImportProblemsError(file, problems);
}

/** A single-problem error for files that cannot be read at all. */
export function unreadable(file: string, message: string, hint: string): ImportProblemsError {
  return new ImportProblemsError(file, [{ severity: 'error', message, location: { file }, hint }]);
}

/** A cell value for a message: text quoted and shortened to 40 characters, numbers and lists as they are. */
export function showValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}]`;
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}

/** `row 3 "abc", row 7 "x" and 5 more` from the first rows found and the total count. */
export function listRows(items: readonly { row: number; detail?: string }[], total: number): string {
  const shown = items.slice(0, MAX_LISTED).map((i) => `row ${i.row}${i.detail ? ` ${i.detail}` : ''}`);
  const more = total - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown.join('');
}

/** "1 cell" / "3 cells". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
