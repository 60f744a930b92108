/**
 * Writes a file as a table of a DuckDB store with the importer's full checks: the shared last step of
 * `crucible import`, and on its own for stores without a project (run configs that name files directly,
 * batch prediction inputs). Problems fail the load exactly as `crucible import` reports them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CrucibleError } from '../../errors';
import { storeFormulaKeys } from './material-key';
import { INTERNAL_TABLE_PREFIX, type DataStore } from '../store/data-store';
import { quoteIdentifier } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import { prepareTable, type PreparedTable } from './prepare-table';
import { failOnErrors } from './problems';
import { RID } from './relation';
import type { ImportOptions } from './types';

/** The absolute path of `file`, which must exist; `hint` says where the path came from. */
export function existingFile(file: string, hint: string): string {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new CrucibleError('not-found', `File ${path} does not exist.`, { hint });
  return path;
}

/**
 * Inside `sql`'s transaction: checks `path` and writes it as `table`, first dropping `replaces` (an existing
 * table of that name) when given; `onStaged` as for prepareTable. Throws ImportProblemsError, leaving the
 * transaction to be rolled back.
 */
export async function writeTable(
  sql: SqlConnection,
  path: string,
  table: string,
  opts: ImportOptions,
  extra: { replaces?: string; onStaged?: () => void } = {},
): Promise<PreparedTable> {
  const suffix = randomBytes(6).toString('hex');
  const scratch = { staging: `${INTERNAL_TABLE_PREFIX}staging_${suffix}`, long: `${INTERNAL_TABLE_PREFIX}long_${suffix}` };
  const prepared = await prepareTable(sql, path, scratch, opts, extra.onStaged);
  failOnErrors(basename(path), prepared.problems);
  if (extra.replaces !== undefined) await sql.run(`DROP TABLE ${quoteIdentifier(extra.replaces)}`);
  const rel = prepared.relation!;
  // A staged table that already is the final table is renamed rather than copied (the common, large case).
  if (rel.isStagedTable) {
    await sql.run(`ALTER TABLE ${quoteIdentifier(scratch.staging)} RENAME TO ${quoteIdentifier(table)}`);
  } else {
    await sql.run(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT * EXCLUDE (${RID}) FROM ${rel.from} ORDER BY ${RID}`);
    await sql.run(`DROP TABLE ${quoteIdentifier(scratch.staging)}`);
    await sql.run(`DROP TABLE IF EXISTS ${quoteIdentifier(scratch.long)}`);
  }
  if (prepared.formulaColumn !== null && prepared.formulaKeys) await storeFormulaKeys(sql, table, prepared.formulaColumn, prepared.formulaKeys);
  return prepared;
}

/** Loads `file` as `table` of `store` in one transaction (all or nothing). */
export async function importIntoStore(store: DataStore, file: string, table: string, opts: ImportOptions = {}): Promise<PreparedTable> {
  const path = existingFile(file, 'Check the path in the configuration.');
  return store.transaction((sql) => writeTable(sql, path, table, opts));
}
