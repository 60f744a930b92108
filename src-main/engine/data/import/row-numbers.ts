/** Maps staged data-row indices onto the row numbers a spreadsheet shows (header = row 1), per file format. */
import { createReadStream } from 'node:fs';
import type { RowNumbering } from './types';

/** Rows that map one to one onto a sheet with the header in row 1 (Parquet, XLSX). */
export const headerThenRows: RowNumbering = { rows: async (indices) => indices.map((i) => i + 2) };

const LF = 0x0a;
const CR = 0x0d;

/**
 * CSV rows. DuckDB skips blank lines in files with several columns but counts them in its own line numbers (as a
 * spreadsheet shows them), while a quoted line break never starts a new row. Mapping data-row indices onto rows
 * therefore needs the blank lines outside quotes: found by one scan of the file, done only when a problem has to
 * be reported.
 */
export function csvRowNumbers(file: string, dialect: { quote: string; escape: string; columnCount: number }): RowNumbering {
  let blanks: Promise<number[]> | undefined;
  return {
    async rows(indices) {
      // A single-column file keeps blank lines as rows of missing values, so they need no correction.
      if (dialect.columnCount <= 1) return indices.map((i) => i + 2);
      blanks ??= blankLines(file, dialect.quote, dialect.escape);
      const sorted = await blanks;
      return indices.map((i) => {
        let row = i + 2;
        for (const b of sorted) {
          if (b > row) break;
          row++;
        }
        return row;
      });
    },
  };
}

/** 1-based numbers (counting records, not quoted line breaks) of the empty lines in `file`, ascending. */
async function blankLines(file: string, quote: string, escape: string): Promise<number[]> {
  const q = quote.charCodeAt(0);
  const esc = escape && escape !== quote ? escape.charCodeAt(0) : -1;
  const blanks: number[] = [];
  let line = 1;
  let inQuote = false;
  let empty = true;
  let skipNext = false;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (skipNext) {
        skipNext = false;
      } else if (inQuote && b === esc) {
        skipNext = true;
      } else if (b === q) {
        inQuote = !inQuote;
        empty = false;
      } else if (b === LF && !inQuote) {
        if (empty) blanks.push(line);
        line++;
        empty = true;
      } else if (b !== CR) {
        empty = false;
      }
    }
  }
  return blanks;
}
