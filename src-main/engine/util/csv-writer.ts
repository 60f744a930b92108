/**
 * RFC 4180 CSV text from rows of cells (quoted only where needed), for results we write ourselves, made safe
 * to open in a spreadsheet: a text cell that a spreadsheet would run as a formula (starting with =, +, -, @,
 * tab or carriage return; OWASP "CSV injection") is written with a leading apostrophe, which spreadsheets
 * show as text. Numbers, and text that is a plain number such as "-5", are written as they are.
 */
export type Cell = string | number | null | undefined;

/** Starts like a spreadsheet formula, after any apostrophes (so neutralising is undone exactly by `restoreText`). */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A decimal number written as text ("-5", "+1.5e3"): left alone, a spreadsheet reads it as the number it is. */
const PLAIN_NUMBER = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$';
const isPlainNumber = (text: string) => new RegExp(PLAIN_NUMBER).test(text);

/** `text` as it must be written so a spreadsheet shows it instead of running it. */
export function neutralizeText(text: string): string {
  return FORMULA_START.test(text) && !isPlainNumber(text) ? `'${text}` : text;
}

/** The original text of a cell `neutralizeText` wrote (for reading our own CSV files back). */
export function restoreText(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text) && !isPlainNumber(text.slice(1)) ? text.slice(1) : text;
}

/**
 * The SQL expression that neutralises a VARCHAR expression the same way, for CSV files DuckDB writes
 * with COPY (`'` doubled inside SQL literals).
 */
export function neutralizeSql(expr: string): string {
  return `CASE WHEN regexp_matches(${expr}, '^''*[=+@\\t\\r-]') AND NOT regexp_matches(${expr}, '${PLAIN_NUMBER}') THEN '''' || ${expr} ELSE ${expr} END`;
}

function field(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = neutralizeText(cell);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
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
