/** Reads one whole table column into the typed arrays the dataset assembler works on. */
import type { Column } from '../dataset/columns';
import type { ColumnKind } from './column-kinds';
import { quoteIdentifier } from './identifiers';
import type { SqlConnection } from './sql-connection';

/**
 * The values of `column` in table order: numbers as a Float64Array (NaN where missing), numeric lists as
 * Float64Array per row (null for a missing list, NaN for a missing point), anything else as text (null where missing).
 */
export async function readColumn(sql: SqlConnection, table: string, column: string, kind: ColumnKind): Promise<Column> {
  const col = quoteIdentifier(column);
  const from = quoteIdentifier(table);
  if (kind === 'number') {
    const { values } = await sql.columns(`SELECT CAST(${col} AS DOUBLE) FROM ${from}`);
    return { kind, values: Float64Array.from(values[0] as (number | null)[], (v) => (v === null ? NaN : v)) };
  }
  if (kind === 'list') {
    const { values } = await sql.columns(`SELECT CAST(${col} AS DOUBLE[]) FROM ${from}`);
    return {
      kind,
      values: (values[0] as ((number | null)[] | null)[]).map((l) => (l === null ? null : Float64Array.from(l, (v) => (v === null ? NaN : v)))),
    };
  }
  const { values } = await sql.columns(`SELECT CAST(${col} AS VARCHAR) FROM ${from}`);
  return { kind: 'text', values: values[0] as (string | null)[] };
}
