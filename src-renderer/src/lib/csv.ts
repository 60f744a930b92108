/** RFC 4180 CSV text for tables the user exports (lists written as JSON arrays, as Crucible imports them). */
export type CsvCell = string | number | boolean | null | undefined | readonly (number | null)[];

function field(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = typeof cell === 'string' ? cell : typeof cell === 'boolean' ? String(cell) : JSON.stringify(cell);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(field).join(',')];
  for (const row of rows) lines.push(row.map(field).join(','));
  return `${lines.join('\n')}\n`;
}
