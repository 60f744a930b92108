/**
 * The material key of a row: the canonical formula of its formula cell (Fe2O3 = O3Fe2 = Fe4O6 = Fe0.4O0.6).
 * Import computes it once and stores it in a hidden column of the table, so that a run joining tables reads it
 * instead of parsing every formula again; tables imported before keys were stored get theirs computed on the fly.
 */
import { randomBytes } from 'node:crypto';
import { distinctFormulas, formulaKeys, type FormulaKeys } from './formula-keys';
import { INTERNAL_TABLE_PREFIX } from '../store/data-store';
import { quoteIdentifier, quoteLiteral } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';

/** The hidden column holding each row's key. Columns starting with INTERNAL_TABLE_PREFIX are never listed. */
export const KEY_COLUMN = `${INTERNAL_TABLE_PREFIX}key`;

/** A temp table (f VARCHAR, k VARCHAR) of formula strings and their keys; the caller drops it with dropKeyTable. */
export async function writeKeyTable(sql: SqlConnection, all: FormulaKeys['all']): Promise<string> {
  const raw = `${INTERNAL_TABLE_PREFIX}keys_${randomBytes(6).toString('hex')}`;
  await sql.run(`CREATE TEMP TABLE ${quoteIdentifier(raw)} (f VARCHAR, k VARCHAR)`);
  const appender = await sql.appender(raw);
  try {
    all.texts.forEach((text, i) => {
      appender.appendVarchar(text);
      const key = all.keys[i];
      if (key === null) appender.appendNull();
      else appender.appendVarchar(key);
      appender.endRow();
    });
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return `temp.${quoteIdentifier(raw)}`;
}

export async function dropKeyTable(sql: SqlConnection, name: string): Promise<void> {
  // Inside an aborted transaction this fails too; the first error is the one to report.
  await sql.run(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
}

/** Adds KEY_COLUMN to `table` (inside the import's transaction), filled from the keys the import's checks computed. */
export async function storeFormulaKeys(sql: SqlConnection, table: string, formulaColumn: string, keys: FormulaKeys): Promise<void> {
  const t = quoteIdentifier(table);
  await sql.run(`ALTER TABLE ${t} ADD COLUMN ${quoteIdentifier(KEY_COLUMN)} VARCHAR`);
  const map = await writeKeyTable(sql, keys.all);
  try {
    await sql.run(`UPDATE ${t} SET ${quoteIdentifier(KEY_COLUMN)} = m.k FROM ${map} m WHERE trim(${t}.${quoteIdentifier(formulaColumn)}) = m.f`);
  } finally {
    await dropKeyTable(sql, map);
  }
}

/** Whether `from` (a qualified table name as duckdb_columns() spells it) has the stored key column. */
export async function hasStoredKeys(sql: SqlConnection, database: string, table: string): Promise<boolean> {
  const n = await sql.value<number>(
    `SELECT count(*) FROM duckdb_columns() WHERE database_name = ${quoteLiteral(database)} AND schema_name = 'main' AND table_name = ${quoteLiteral(table)} AND column_name = ${quoteLiteral(KEY_COLUMN)}`,
  );
  return Number(n) > 0;
}

/** The keys of `from`'s formula column computed now, as a temp table (f, k) to join on trim(formula); drop it with dropKeyTable. */
export async function computeKeyTable(sql: SqlConnection, from: string, formulaColumn: string): Promise<string> {
  const keys = await formulaKeys(await distinctFormulas(sql, from, formulaColumn));
  return writeKeyTable(sql, keys.all);
}
