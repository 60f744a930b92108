/**
 * Excel workbooks (.xlsx). DuckDB has no Excel reader here, so read-excel-file parses the first sheet in JS
 * (cells typed as Excel stores them); a column whose cells are all numbers becomes DOUBLE, all booleans
 * BOOLEAN, anything else VARCHAR (numbers and dates written as text). The rows go into the staging table
 * through DuckDB's appender, and the shared column analysis then judges the text columns exactly as for CSV.
 */
import { basename } from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import { quoteIdentifier } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import { isReadAsMissing } from './missing-values';
import { unreadable } from './problems';
import { headerThenRows } from './row-numbers';
import type { Importer, Problem, StagedFile } from './types';

type Cell = string | number | boolean | Date | null;
type ColumnType = 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';

export const xlsxImporter: Importer = {
  format: 'xlsx',
  stage: stageWorkbook,
};

async function stageWorkbook(sql: SqlConnection, file: string, table: string): Promise<StagedFile> {
  const name = basename(file);
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = (await readXlsxFile(file)) as unknown as typeof sheets;
  } catch (e) {
    throw unreadable(name, `the file could not be read as an Excel workbook: ${(e as Error).message.split('\n')[0]}`, 'Save it again from Excel as .xlsx (not .xls or .xlsb).');
  }
  const first = sheets[0];
  const rows = (first?.data ?? []).map((r) => r.map(normalizeCell));
  if (rows.length === 0 || rows[0].every((c) => c === null)) {
    throw unreadable(name, 'the first sheet is empty.', 'Put the data on the first sheet, with a header row naming the columns in row 1.');
  }
  const names = headerNames(rows[0]);
  const body = rows.slice(1);
  const types = names.map((_, j) => columnType(body, j));
  await sql.run(`CREATE TABLE ${quoteIdentifier(table)} (${names.map((n, j) => `${quoteIdentifier(n)} ${types[j]}`).join(', ')})`);
  const appender = await sql.appender(table);
  try {
    for (const row of body) {
      for (let j = 0; j < names.length; j++) append(appender, row[j] ?? null, types[j]);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const problems: Problem[] = [];
  if (sheets.length > 1) {
    problems.push({ severity: 'notice', message: `Read the first sheet, "${first.sheet}", of ${sheets.length} sheets.`, location: { file: name }, hint: 'Move the data to the first sheet to import another one.' });
  }
  return { format: 'xlsx', problems, rowNumbers: headerThenRows };
}

function normalizeCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return isReadAsMissing(value) ? null : value;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'boolean' || value instanceof Date) return value;
  return String(value);
}

/** Header cells as column names: blanks become column1…, repeats get _1, _2 (as DuckDB names CSV headers). */
function headerNames(header: Cell[]): string[] {
  const seen = new Set<string>();
  return header.map((cell, j) => {
    const base = cell === null ? `column${j + 1}` : cell instanceof Date ? cell.toISOString() : String(cell).trim() || `column${j + 1}`;
    let name = base;
    for (let k = 1; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return name;
  });
}

function columnType(rows: Cell[][], j: number): ColumnType {
  const cells = rows.map((r) => r[j] ?? null).filter((c) => c !== null);
  if (cells.length > 0 && cells.every((c) => typeof c === 'number')) return 'DOUBLE';
  if (cells.length > 0 && cells.every((c) => typeof c === 'boolean')) return 'BOOLEAN';
  return 'VARCHAR';
}

function append(appender: Awaited<ReturnType<SqlConnection['appender']>>, cell: Cell, type: ColumnType): void {
  if (cell === null) appender.appendNull();
  else if (type === 'DOUBLE') appender.appendDouble(cell as number);
  else if (type === 'BOOLEAN') appender.appendBoolean(cell as boolean);
  else appender.appendVarchar(cell instanceof Date ? cell.toISOString() : String(cell));
}
