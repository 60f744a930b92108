/**
 * CSV and TSV through DuckDB's read_csv: the dialect and column types are sniffed from a sample, then the
 * whole file is read with rejected rows recorded (line numbers as a spreadsheet shows them). A column whose
 * sniffed type fails further down the file is read again as text and judged by the column analysis.
 */
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataStore } from '../store/data-store';
import { quoteIdentifier, quoteLiteral } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import { csvRowNumbers } from './row-numbers';
import { READ_AS_MISSING } from './missing-values';
import { MAX_LISTED, unreadable } from './problems';
import { CrucibleError } from '../../errors';
import { TEXT_DELIMITERS, type TextDelimiter } from './formats';
import { checkTextFile, decimalCommaDelimiter, readHead } from './text-file';
import type { Importer, Problem, StagedFile, TextReading } from './types';

interface Dialect {
  delim: string;
  quote: string;
  escape: string;
  decimalComma: boolean;
}

interface Reject {
  line: number;
  column_name: string | null;
  error_type: string;
  error_message: string;
}

export const csvImporter: Importer = {
  format: 'csv',
  stage: (sql, file, table, opts) => stageDelimited(sql, file, table, undefined, opts?.reading),
};

export const tsvImporter: Importer = {
  format: 'tsv',
  stage: (sql, file, table, opts) => stageDelimited(sql, file, table, '\t', opts?.reading),
};

async function stageDelimited(
  sql: SqlConnection,
  file: string,
  table: string,
  formatDelim: TextDelimiter | undefined,
  given: Partial<TextReading> = {},
): Promise<StagedFile> {
  const name = basename(file);
  const head = await readHead(file);
  checkTextFile(file, head);
  const fixedDelim = given.delimiter ?? formatDelim;
  const problems: Problem[] = [];
  let decimalComma: boolean;
  let delim = fixedDelim;
  if (given.decimalMark !== undefined) {
    decimalComma = given.decimalMark === ',';
    if (decimalComma && delim === ',') {
      throw new CrucibleError('bad-input', `${name} cannot be read with commas both between fields and as the decimal mark.`, {
        location: { file: name },
        hint: 'Choose another delimiter (a semicolon, as decimal-comma exports use) or the decimal point.',
      });
    }
    if (decimalComma) delim ??= decimalCommaDelimiter(head) ?? ';';
  } else {
    const found = decimalCommaDelimiter(head, fixedDelim);
    decimalComma = found !== null;
    if (found !== null) {
      delim = found;
      problems.push({
        severity: 'notice',
        message: `Read ${name} as ${TEXT_DELIMITERS[found]}-separated with decimal commas (1,5 = 1.5), as spreadsheets export it in many locales.`,
        location: { file: name },
        hint: 'If the numbers look wrong, read it with the decimal point: the Reading above the import preview, or crucible import --decimal-mark point.',
      });
    }
  }
  // Sniffing runs in a throw-away database: a failed sniff inside the import's transaction would abort it.
  const aside = await DataStore.inMemory();
  const { dialect, types } = await sniff(aside.sql, file, head, delim, decimalComma).finally(() => aside.close());

  const rejected = await readWithRejects(sql, file, table, dialect, types);
  if (types.size === 1) {
    // DuckDB reads the blank lines of a one-column file as empty rows, the file's trailing newlines included.
    const col = quoteIdentifier([...types.keys()][0]);
    await sql.run(`DELETE FROM ${quoteIdentifier(table)} WHERE rowid > (SELECT coalesce(max(rowid), -1) FROM ${quoteIdentifier(table)} WHERE ${col} IS NOT NULL)`);
  }
  problems.push(...rejected.problems.map((p) => ({ ...p, location: { ...p.location, file: name } })));
  return {
    format: formatDelim === '\t' ? 'tsv' : 'csv',
    problems,
    rowNumbers: csvRowNumbers(file, { quote: dialect.quote, escape: dialect.escape, columnCount: types.size }),
    reading: { delimiter: asTextDelimiter(dialect.delim), decimalMark: dialect.decimalComma ? ',' : '.' },
  };
}

/** DuckDB's sniffer, and the fallback reading, choose among these four only; the check keeps the reading's type honest. */
function asTextDelimiter(delim: string): TextDelimiter {
  return delim in TEXT_DELIMITERS ? (delim as TextDelimiter) : ',';
}

/**
 * The longest row read: a 200,000-point spectrum in one cell is about 4 MB, so 64 MiB leaves room for curves
 * ten times longer while bounding what one row (say, an unclosed quote swallowing the file) can take in memory.
 */
export const MAX_ROW_BYTES = 64 * 1024 * 1024;

function readOptions(dialect: Partial<Dialect>): string[] {
  const opts = ['header = true', `nullstr = [${READ_AS_MISSING.map(quoteLiteral).join(', ')}]`, `max_line_size = ${MAX_ROW_BYTES}`, `buffer_size = ${2 * MAX_ROW_BYTES}`];
  if (dialect.delim !== undefined) opts.push(`delim = ${quoteLiteral(dialect.delim)}`);
  if (dialect.quote !== undefined) opts.push(`quote = ${quoteLiteral(dialect.quote)}`, `escape = ${quoteLiteral(dialect.escape ?? dialect.quote)}`);
  if (dialect.decimalComma) opts.push(`decimal_separator = ','`);
  return opts;
}

/** Rows the sniffer reads to find the delimiter and quoting (the expensive part); types use DuckDB's default sample. */
const DIALECT_SAMPLE_ROWS = 2048;

/**
 * The dialect and the column types DuckDB's sniffer infers (the header is always the first line). The dialect
 * comes from a short sample first, since trying every dialect on the full sample costs several times more.
 */
async function sniff(
  sql: SqlConnection,
  file: string,
  head: Buffer,
  delim: string | undefined,
  decimalComma: boolean,
): Promise<{ dialect: Dialect; types: Map<string, string> }> {
  const sniffWith = async (opts: string[]) => {
    const [found] = await sql.rows<{ Delimiter: string; Quote: string; Escape: string; Columns: { name: string; type: string }[] }>(
      `SELECT Delimiter, Quote, Escape, Columns FROM sniff_csv(${quoteLiteral(file)}, ignore_errors = true, ${opts.join(', ')})`,
    );
    return found;
  };
  let first: Awaited<ReturnType<typeof sniffWith>>;
  try {
    first = await sniffWith([...readOptions({ delim, decimalComma }), `sample_size = ${DIALECT_SAMPLE_ROWS}`]);
  } catch {
    return fallbackDialect(file, head, delim, decimalComma);
  }
  // With no quote in the sample the sniffer reports none; quoted fields further down still follow the CSV rules.
  const quote = first.Quote === '(empty)' ? '"' : first.Quote;
  const dialect: Dialect = { delim: first.Delimiter, quote, escape: first.Escape === '(empty)' ? quote : first.Escape, decimalComma };
  try {
    const { Columns } = await sniffWith(readOptions(dialect));
    return { dialect, types: new Map(Columns.map((c) => [c.name, c.type])) };
  } catch {
    return fallbackDialect(file, head, dialect.delim, decimalComma);
  }
}

/**
 * The sniffer gives up on some broken files (an unclosed quote swallowing the rest of the file). Reading them as
 * plain CSV, every column as text, still lets DuckDB's rejects name the rows that break the format.
 */
function fallbackDialect(file: string, head: Buffer, delim: string | undefined, decimalComma: boolean): { dialect: Dialect; types: Map<string, string> } {
  const header = head.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0];
  const sep = delim ?? [',', ';', '\t', '|'].reduce((best, d) => (header.split(d).length > header.split(best).length ? d : best));
  const names = header.split(sep).map((n, j) => n.trim().replace(/^"(.*)"$/, '$1') || `column${j}`);
  if (names.length < 2 && !header.trim()) {
    throw unreadable(basename(file), 'the file could not be read as delimited text.', 'Check that it is a CSV or TSV file with a header row in its first line.');
  }
  const types = new Map<string, string>();
  for (const name of names) {
    let unique = name;
    for (let k = 1; types.has(unique); k++) unique = `${name}_${k}`;
    types.set(unique, 'VARCHAR');
  }
  return { dialect: { delim: sep, quote: '"', escape: '"', decimalComma }, types };
}

/**
 * Reads the whole file into `table`, recording rejected rows. Columns with cast failures (a sniffed number type
 * meeting text further down) are re-read as VARCHAR; other rejections become problems.
 */
async function readWithRejects(
  sql: SqlConnection,
  file: string,
  table: string,
  dialect: Dialect,
  types: Map<string, string>,
): Promise<{ problems: Problem[] }> {
  for (;;) {
    const suffix = randomBytes(6).toString('hex');
    const rejectsTable = `__crucible_rejects_${suffix}`;
    const rejectsScan = `__crucible_scans_${suffix}`;
    const columns = `{${[...types].map(([n, t]) => `${quoteLiteral(n)}: ${quoteLiteral(t)}`).join(', ')}}`;
    try {
      await sql.run(
        `CREATE TABLE ${quoteIdentifier(table)} AS SELECT * FROM read_csv(${quoteLiteral(file)}, auto_detect = false, columns = ${columns}, ` +
          `${readOptions(dialect).join(', ')}, store_rejects = true, rejects_table = ${quoteLiteral(rejectsTable)}, rejects_scan = ${quoteLiteral(rejectsScan)})`,
      );
      const castColumns = await sql.rows<{ column_name: string }>(
        `SELECT DISTINCT column_name FROM temp.${quoteIdentifier(rejectsTable)} WHERE error_type = 'CAST' AND column_name IS NOT NULL`,
      );
      if (castColumns.length > 0) {
        for (const c of castColumns) types.set(c.column_name, 'VARCHAR');
        await sql.run(`DROP TABLE ${quoteIdentifier(table)}`);
        continue;
      }
      const total = await sql.value<number>(`SELECT count(*) FROM temp.${quoteIdentifier(rejectsTable)}`);
      const rejects = await sql.rows<Reject>(
        `SELECT line, column_name, error_type, error_message FROM temp.${quoteIdentifier(rejectsTable)} ORDER BY line LIMIT ${MAX_LISTED}`,
      );
      const problems = rejects.map((r) => rejectProblem(r, types.size));
      if (total > rejects.length) {
        problems.push({ severity: 'error', message: `${total - rejects.length} more rows could not be read for the same kinds of reasons.` });
      }
      return { problems };
    } finally {
      // Cleanup inside an aborted transaction fails too (and the rollback drops these tables anyway): never let it hide the first error.
      await sql.run(`DROP TABLE IF EXISTS temp.${quoteIdentifier(rejectsTable)}`).catch(() => undefined);
      await sql.run(`DROP TABLE IF EXISTS temp.${quoteIdentifier(rejectsScan)}`).catch(() => undefined);
    }
  }
}

function rejectProblem(r: Reject, columnCount: number): Problem {
  const location = { row: r.line, column: r.column_name ?? undefined };
  const found = /Found:\s*(\d+)/.exec(r.error_message)?.[1];
  switch (r.error_type) {
    case 'MISSING COLUMNS':
    case 'TOO MANY COLUMNS':
      return {
        severity: 'error',
        message: `this row has ${found ?? (r.error_type === 'MISSING COLUMNS' ? 'fewer' : 'more')} fields, but the header names ${columnCount} columns.`,
        location: r.error_type === 'TOO MANY COLUMNS' ? { row: r.line } : location,
        hint:
          r.error_type === 'MISSING COLUMNS'
            ? 'Add the missing fields (an empty field marks a missing value).'
            : 'Remove the extra fields, or quote values that contain the delimiter.',
      };
    case 'UNQUOTED VALUE':
      return { severity: 'error', message: 'a quoted value is not closed, or a quote is followed by more text.', location, hint: 'Close the quote, or double quotes inside quoted values ("").' };
    case 'INVALID ENCODING':
    case 'INVALID UNICODE':
      return { severity: 'error', message: 'this row is not valid UTF-8 text.', location, hint: 'Save the file as UTF-8 (in Excel: "CSV UTF-8").' };
    case 'LINE SIZE OVER MAXIMUM':
      return {
        severity: 'error',
        message: `this row is longer than ${MAX_ROW_BYTES / 1024 / 1024} MiB, the most one row may hold.`,
        location,
        hint: 'Check for an unclosed quote above this row; a longer curve fits as one value per row (crucible import --long).',
      };
    default:
      return { severity: 'error', message: r.error_message, location, hint: 'Correct this row.' };
  }
}
