/**
 * Loads a prediction input file (CSV, TSV, Parquet, XLSX) into a scratch table with the importer's
 * reading rules (dialect sniffing, missing-value markers, number and list columns, cell errors refuse the
 * file), numbering rows 0..n−1 in `__rid`. The import's formula checks are left out: a formula that cannot
 * be read is reported per row by the prediction instead.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { analyseColumns, stagedColumns, type PlannedColumn } from '../data/import/analyse-columns';
import { failOnErrors } from '../data/import/problems';
import { importerFor } from '../data/import/registry';
import { RID, stagedRelation } from '../data/import/relation';
import type { Problem, RowNumbering } from '../data/import/types';
import { quoteIdentifier } from '../data/store/identifiers';
import type { SqlConnection } from '../data/store/sql-connection';
import { CrucibleError } from '../errors';
import type { SourceFormat } from '../project/schema';

export interface InputTable {
  /** The scratch table: `__rid` then the file's columns, in file order. */
  table: string;
  /** The file's absolute path. */
  path: string;
  /** The file's name, for messages. */
  file: string;
  format: SourceFormat;
  rowCount: number;
  columns: PlannedColumn[];
  /** Maps 0-based rows onto the 1-based rows a spreadsheet shows. */
  rowNumbers: RowNumbering;
  /** Warnings and notices from reading the file. */
  problems: Problem[];
}

/** Reads `file` into the table `table` (and the scratch table `staging`) on `sql`, e.g. inside a transaction. */
export async function loadInputTable(sql: SqlConnection, file: string, table: string, staging: string): Promise<InputTable> {
  const path = resolve(file);
  const name = basename(path);
  if (!existsSync(path) || !statSync(path).isFile())
    throw new CrucibleError('not-found', `Input file ${path} does not exist.`, { hint: 'Check the path of the file to predict.' });
  const staged = await importerFor(path).stage(sql, path, staging);
  failOnErrors(name, staged.problems);
  const analysis = await analyseColumns(sql, staging, await stagedColumns(sql, staging), name, staged.rowNumbers);
  const problems = [...staged.problems, ...analysis.problems];
  failOnErrors(name, problems);
  if (analysis.rowCount === 0)
    throw new CrucibleError('bad-input', `${name} has a header but no data rows.`, {
      location: { file: name },
      hint: 'Add the materials to predict below the header row.',
    });
  await sql.run(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT * FROM ${stagedRelation(staging, analysis.columns).from} ORDER BY ${RID}`);
  await sql.run(`DROP TABLE ${quoteIdentifier(staging)}`);
  return { table, path, file: name, format: staged.format, rowCount: analysis.rowCount, columns: analysis.columns, rowNumbers: staged.rowNumbers, problems };
}
