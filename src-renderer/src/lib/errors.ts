/** Turns a failed call into one readable sentence for the UI (message, where, what to do). */
import { ApiError } from './api/api-error';

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const loc = e.location;
    const where = loc ? [loc.file, loc.row !== undefined ? `row ${loc.row}` : '', loc.column ? `column "${loc.column}"` : ''].filter(Boolean).join(', ') : '';
    return `${where ? `${where}: ` : ''}${e.message}${e.hint ? ` ${e.hint}` : ''}`;
  }
  return e instanceof Error ? e.message : String(e);
}
