/** First look at a text data file before DuckDB reads it: empty, binary or misnamed files, and decimal-comma exports. */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { TextDelimiter } from './formats';
import { unreadable } from './problems';

const HEAD_BYTES = 64 * 1024;

/** The first 64 KiB of `file` (all of it when smaller). */
export async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Throws a one-problem ImportProblemsError when `head` shows that `file` is empty or not text. */
export function checkTextFile(file: string, head: Buffer): void {
  const name = basename(file);
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw unreadable(name, 'the file is empty.', 'Export the data again: the file should start with a header row naming the columns.');
  }
  if (head[0] === 0xff && head[1] === 0xfe) {
    throw unreadable(name, 'the file is UTF-16 text, which Crucible does not read.', 'Save it again as UTF-8 CSV (in Excel: "CSV UTF-8").');
  }
  if (head.subarray(0, 4).toString('latin1') === 'PK\x03\x04') {
    throw unreadable(name, 'the file is a zip archive (an Excel workbook?), not CSV text.', 'If it is a workbook, rename it to .xlsx; otherwise export the data as CSV.');
  }
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') {
    throw unreadable(name, 'the file is a Parquet file, not CSV text.', 'Rename it to .parquet and import it again.');
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw unreadable(name, `the file is not text (byte ${nul + 1} is a NUL character).`, 'Choose the CSV or TSV export of your data, or an .xlsx or .parquet file.');
  }
}

const DECIMAL_COMMA_NUMBER = /^\s*"?[-+]?\d*,\d+(?:[eE][-+]?\d+)?"?\s*$/;
const DECIMAL_POINT_NUMBER = /^\s*"?[-+]?\d*\.\d+(?:[eE][-+]?\d+)?"?\s*$/;

/** Delimiters a decimal-comma export separates its fields with (never the comma, which is its decimal mark). */
const DECIMAL_COMMA_DELIMITERS: readonly TextDelimiter[] = [';', '\t', '|'];

/**
 * The delimiter of a decimal-comma export (as spreadsheets write in many European locales), or null when the
 * sample does not look like one. With `delimiter` (a TSV file, or the user's choice) only that one is tried.
 * A delimiter qualifies when it splits the header into at least two fields and nearly every line into as many;
 * the file then has decimal commas when more of its fields are numbers written with a comma than with a point.
 * The whole sample is read, not only its first lines, since the first decimals may sit below many integers.
 */
export function decimalCommaDelimiter(head: Buffer, delimiter?: TextDelimiter): TextDelimiter | null {
  const lines = head.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  // The sample ends where 64 KiB did, most likely inside a line.
  if (head.length === HEAD_BYTES) lines.pop();
  const [header, ...rows] = lines.filter((l) => l.trim() !== '');
  if (header === undefined || rows.length === 0) return null;
  for (const d of delimiter ? [delimiter] : DECIMAL_COMMA_DELIMITERS) {
    if (d === ',') continue;
    const width = splitFields(header, d).length;
    if (width < 2) continue;
    const fields = rows.map((r) => splitFields(r, d));
    if (fields.filter((f) => f.length === width).length < 0.9 * rows.length) continue;
    let commas = 0;
    let points = 0;
    for (const f of fields.flat()) {
      if (DECIMAL_COMMA_NUMBER.test(f)) commas++;
      else if (DECIMAL_POINT_NUMBER.test(f)) points++;
    }
    if (commas > points) return d;
  }
  return null;
}

/** The fields of one line, a delimiter inside double quotes kept in its field. */
function splitFields(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === delimiter && !quoted) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
