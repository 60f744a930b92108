/** RFC 4180 CSV text from rows of cells (quoted only where needed), for results we write ourselves. */
export type Cell = string | number | null | undefined;

function field(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replaceAll('"', '""')}"` : cell;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const lines = [header.map(field).join(',')];
  for (const row of rows) lines.push(row.map(field).join(','));
  return `${lines.join('\n')}\n`;
}

/** A curve or vector as one cell: a JSON array, the same form Crucible imports list columns from. */
export function listCell(values: ArrayLike<number>, digits = 6): string {
  return `[${Array.from(values, (v) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : 'null')).join(', ')}]`;
}
