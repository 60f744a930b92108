/**
 * Where predictions go: a CSV or Parquet file written by DuckDB's COPY (to a temporary name, renamed when
 * complete), and a table of the project (its rows and description committed together, then listed in project.json).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { predictionsFileFor } from '../data/import/formats';
import { checkTableName } from '../data/import/table-name';
import { quoteIdentifier, quoteLiteral } from '../data/store/identifiers';
import type { SqlConnection } from '../data/store/sql-connection';
import { CrucibleError } from '../errors';
import { neutralizeSql } from '../util/csv-writer';
import type { Project } from '../project/project';
import type { TableMeta } from '../project/schema';
import { listTable, recordTableMeta } from '../project/table-catalog';
import { crashPoint } from '../util/crash-point';

export type OutputFormat = 'csv' | 'parquet';

const FORMATS: Record<string, OutputFormat> = { '.csv': 'csv', '.parquet': 'parquet' };

/** Where `input`'s predictions go unless the user names a file: beside it, `<input stem>.predictions.csv`. */
export function defaultOutputPath(input: string): string {
  const { folder, name } = predictionsFileFor(resolve(input));
  return join(folder, name);
}

/**
 * The output file's absolute path and format; refuses other extensions, missing folders and, unless `overwrite`, an
 * existing file, before any work.
 */
export function checkOutputPath(file: string, input: string, overwrite = true): { path: string; format: OutputFormat } {
  const path = resolve(file);
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format)
    throw new CrucibleError('bad-input', `Cannot write predictions to ${basename(path)}: the name must end in .csv or .parquet.`, {
      hint: 'Choose the format by the file name, e.g. predictions.csv.',
    });
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory())
    throw new CrucibleError('not-found', `Folder ${dirname(path)} does not exist.`, { hint: 'Create it first, or write the predictions elsewhere.' });
  if (path === resolve(input))
    throw new CrucibleError('bad-input', `The output ${basename(path)} would overwrite the input file.`, { hint: 'Choose another output name.' });
  if (!overwrite && existsSync(path))
    throw new CrucibleError('already-exists', `${path} already exists.`, {
      hint: 'Choose another file name, or replace it (on the command line, --out names a file to replace).',
    });
  return { path, format };
}

/** `select` with every text column neutralised for spreadsheets (see csv-writer); Parquet keeps the exact strings. */
async function spreadsheetSafe(sql: SqlConnection, select: string): Promise<string> {
  const columns = await sql.rows<{ column_name: string; column_type: string }>(`DESCRIBE (${select})`);
  const text = columns.filter((c) => c.column_type === 'VARCHAR');
  if (text.length === 0) return select;
  return `SELECT * REPLACE (${text.map((c) => `${neutralizeSql(quoteIdentifier(c.column_name))} AS ${quoteIdentifier(c.column_name)}`).join(', ')}) FROM (${select})`;
}

/** Writes the rows of `select` to `path`; a failure leaves any earlier file at `path` untouched. */
export async function copyToFile(sql: SqlConnection, select: string, path: string, format: OutputFormat): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const rows = format === 'csv' ? await spreadsheetSafe(sql, select) : select;
    await sql.run(`COPY (${rows}) TO ${quoteLiteral(temp)} (${format === 'csv' ? 'FORMAT csv, HEADER' : 'FORMAT parquet'})`);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

export interface StoredTable {
  name: string;
  /** Replace a table of the same name. */
  replace?: boolean;
  /** The Parquet file holding the rows. */
  parquet: string;
  meta: Omit<TableMeta, 'name' | 'rowCount' | 'importedAt'>;
}

/** Creates the project table from a Parquet file, then lists it in project.json (see table-catalog.ts). */
export async function storeInProject(project: Project, table: StoredTable): Promise<TableMeta> {
  checkTableName(table.name);
  const same = (t: { name: string }) => t.name.toLowerCase() === table.name.toLowerCase();
  await project.refresh();
  const store = await project.openStore();
  try {
    const existing = (await store.listTables()).find(same);
    if ((existing || project.tables.some(same)) && !table.replace) {
      throw new CrucibleError('already-exists', `The project already has a table "${existing?.name ?? table.name}".`, {
        hint: 'Choose another name with --table, or pass --replace.',
      });
    }
    const meta = await store.transaction(async (sql) => {
      if (existing) await sql.run(`DROP TABLE ${quoteIdentifier(existing.name)}`);
      await sql.run(`CREATE TABLE ${quoteIdentifier(table.name)} AS SELECT * FROM read_parquet(${quoteLiteral(table.parquet)})`);
      const rowCount = await sql.value<number>(`SELECT count(*) FROM ${quoteIdentifier(table.name)}`);
      const meta: TableMeta = { ...table.meta, name: table.name, rowCount, importedAt: new Date().toISOString() };
      await recordTableMeta(sql, meta);
      return meta;
    });
    crashPoint('predict:committed');
    await listTable(project, meta);
    return meta;
  } finally {
    await store.close();
  }
}
