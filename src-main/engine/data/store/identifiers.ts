/** SQL quoting for names and strings that come from users' files (headers, file names, cell values). */
import { CrucibleError } from '../../errors';

/** `name` as a DuckDB identifier: double-quoted, inner quotes doubled. Any text except NUL is allowed. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new CrucibleError('bad-input', `The name ${JSON.stringify(name)} contains a NUL character.`, { hint: 'Rename it.' });
  return `"${name.replaceAll('"', '""')}"`;
}

/** `value` as a DuckDB string literal: single-quoted, inner quotes doubled. */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new CrucibleError('bad-input', `The text ${JSON.stringify(value)} contains a NUL character.`);
  return `'${value.replaceAll("'", "''")}'`;
}
