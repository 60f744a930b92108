/** Previews for the UI: a file before import (types, missing counts, problems, first rows) and an imported table. */
import { basename, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { CrucibleError } from '../../errors';
import type { SourceFormat, TableRole } from '../../project/schema';
import type { ColumnKind } from '../store/column-kinds';
import { DataStore } from '../store/data-store';
import { quoteIdentifier } from '../store/identifiers';
import type { SqlConnection, SqlRow } from '../store/sql-connection';
import { prepareTable } from './prepare-table';
import { ImportProblemsError } from './problems';
import { RID } from './relation';
import type { ImportOptions, Problem, TextReading } from './types';

export const DEFAULT_PREVIEW_ROWS = 20;

export interface PreviewColumn {
  name: string;
  /** DuckDB type the column gets (or has): DOUBLE, BIGINT, VARCHAR, DOUBLE[] … */
  type: string;
  kind: ColumnKind;
  missing: number;
}

export interface TablePreview {
  name: string;
  rowCount: number;
  columns: PreviewColumn[];
  /** The first rows, lists as arrays of numbers (null where missing). */
  rows: SqlRow[];
}

export interface FilePreview extends TablePreview {
  format: SourceFormat | null;
  /** Everything an import would report; errors mean the import would be refused. */
  problems: Problem[];
  formulaColumn: string | null;
  role: TableRole | null;
  /** How a delimited text file was read, for the preview to show and change (null for other formats, or a file not read). */
  reading: TextReading | null;
}

/** Reads `file` into a throw-away in-memory database with the import's own rules and reports what an import would do. */
export async function previewFile(file: string, opts: ImportOptions & { rows?: number } = {}): Promise<FilePreview> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CrucibleError('not-found', `File ${path} does not exist.`, { hint: 'Check the path of the file to preview.' });
  const store = await DataStore.inMemory();
  const empty: FilePreview = { name: basename(path), rowCount: 0, columns: [], rows: [], format: null, problems: [], formulaColumn: null, role: null, reading: null };
  try {
    const p = await prepareTable(store.sql, path, { staging: 'staging', long: 'long' }, opts).catch((e: unknown) => {
      if (e instanceof ImportProblemsError) return { ...empty, problems: e.problems, relation: undefined };
      throw e;
    });
    const base = { ...empty, format: p.format, problems: p.problems, formulaColumn: p.formulaColumn, role: p.role ?? null, reading: p.reading ?? null };
    if (!p.relation) return base;
    const { from, columns } = p.relation;
    const missing = await missingCounts(store.sql, from, columns);
    return {
      ...base,
      rowCount: p.rowCount,
      columns: columns.map((c, j) => ({ name: c.name, type: c.type, kind: c.kind, missing: missing[j] })),
      rows: await store.sql.rows(`SELECT * EXCLUDE (${RID}) FROM ${from} ORDER BY ${RID} LIMIT ${opts.rows ?? DEFAULT_PREVIEW_ROWS}`),
    };
  } finally {
    await store.close();
  }
}

/** The first rows of an imported table and the missing values per column. */
export async function previewTable(store: DataStore, table: string, opts: { rows?: number } = {}): Promise<TablePreview> {
  const info = await store.table(table);
  const from = quoteIdentifier(info.name);
  const missing = await missingCounts(store.sql, from, info.columns);
  return {
    name: info.name,
    rowCount: info.rowCount,
    columns: info.columns.map((c, j) => ({ ...c, missing: missing[j] })),
    rows: await store.sql.rows(`SELECT ${info.columns.map((c) => quoteIdentifier(c.name)).join(', ')} FROM ${from} LIMIT ${opts.rows ?? DEFAULT_PREVIEW_ROWS}`),
  };
}

/** Missing (NULL) values per column of `from`, in column order. */
async function missingCounts(sql: SqlConnection, from: string, columns: readonly { name: string }[]): Promise<number[]> {
  const [counts] = await sql.rows<Record<string, number>>(`SELECT ${columns.map((c, j) => `count(*) - count(${quoteIdentifier(c.name)}) AS m${j}`).join(', ')} FROM ${from}`);
  return columns.map((_, j) => counts[`m${j}`]);
}
