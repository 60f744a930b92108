/** Finds the rows matching a condition (the first few, with a value each, and the total) and names them as a spreadsheet would. */
import type { SqlConnection } from '../store/sql-connection';
import { MAX_LISTED } from './problems';
import type { RowNumbering } from './types';

export interface OffendingRows {
  total: number;
  /** The first rows in file order: spreadsheet row numbers and the value shown for each. */
  first: { row: number; value: unknown }[];
}

/**
 * Rows of `from` (a table or parenthesised query) where `where` holds, ordered by `rid` (the 0-based data-row
 * index), with `value` evaluated for the first MAX_LISTED of them.
 */
export async function offendingRows(
  sql: SqlConnection,
  q: { from: string; rid: string; where: string; value: string },
  rowNumbers: RowNumbering,
): Promise<OffendingRows> {
  const found = await sql.rows<{ total: number; rid: number; value: unknown }>(
    `SELECT count(*) OVER () AS total, ${q.rid} AS rid, ${q.value} AS value FROM ${q.from} WHERE ${q.where} ORDER BY ${q.rid} LIMIT ${MAX_LISTED}`,
  );
  if (found.length === 0) return { total: 0, first: [] };
  const rows = await rowNumbers.rows(found.map((f) => f.rid));
  return { total: found[0].total, first: found.map((f, i) => ({ row: rows[i], value: f.value })) };
}
