/** The table being imported, as SQL: a FROM-clause source with the final columns and `__rid`, the source row index. */
import { quoteIdentifier } from '../store/identifiers';
import type { PlannedColumn } from './analyse-columns';

export const RID = '__rid';

export interface Relation {
  /** A table name or parenthesised query, usable after FROM. */
  from: string;
  columns: PlannedColumn[];
  /** True when the staged table already is the final table (no conversion, no pivot): it is renamed, not copied. */
  isStagedTable: boolean;
}

/**
 * The 0-based data-row index of a staged table's row. Rows written inside a transaction get row ids counting
 * from a large offset (DuckDB's transaction-local storage), so the index is taken relative to the first row.
 */
export function stagedRowIndex(table: string): string {
  return `(rowid - (SELECT min(rowid) FROM ${quoteIdentifier(table)}))`;
}

/** The staged table seen through each column's conversion expression. */
export function stagedRelation(table: string, columns: PlannedColumn[]): Relation {
  const select = columns.map((c) => `${c.expr} AS ${quoteIdentifier(c.name)}`).join(', ');
  return {
    from: `(SELECT ${stagedRowIndex(table)} AS ${RID}, ${select} FROM ${quoteIdentifier(table)})`,
    columns,
    isStagedTable: columns.every((c) => c.identity),
  };
}
