/** First look at a text data file before DuckDB reads it: empty, binary or misnamed files, and decimal-comma exports. */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
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

const DECIMAL_COMMA_NUMBER = /^\s*"?[-+]?\d+,\d+(?:[eE][-+]?\d+)?"?\s*$/;
const DECIMAL_POINT_NUMBER = /^\s*"?[-+]?\d*\.\d+(?:[eE][-+]?\d+)?"?\s*$/;

/**
 * Whether the sample looks like a semicolon-separated export with decimal commas (as spreadsheets write in many
 * European locales): the header has more semicolons than commas, and the fields of the first lines hold numbers
 * written with a decimal comma and none written with a decimal point.
 */
export function looksLikeDecimalCommaCsv(head: Buffer): boolean {
  const lines = head.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/).slice(0, 50);
  const header = lines[0] ?? '';
  if (count(header, ';') === 0 || count(header, ';') <= count(header, ',')) return false;
  const fields = lines.slice(1).flatMap((l) => l.split(';'));
  return fields.some((f) => DECIMAL_COMMA_NUMBER.test(f)) && !fields.some((f) => DECIMAL_POINT_NUMBER.test(f));
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}
