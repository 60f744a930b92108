/** Plain columnar inputs for dataset assembly (what an importer hands over) and name look-ups with suggestions. */
import { CrucibleError, type ErrorLocation } from '../../errors';
import { suggestionHint } from '../../util/suggest';

/** One column of the attributes table. Missing values: NaN in numbers, null or '' in text, null in lists. */
export type Column =
  | { kind: 'number'; values: Float64Array }
  | { kind: 'text'; values: (string | null)[] }
  /** A list-valued column (curves, vectors); a missing entry is null, a missing point inside is NaN. */
  | { kind: 'list'; values: (Float64Array | null)[] };

/** Columns by name, e.g. from a DuckDB result. */
export type ColumnTable = ReadonlyMap<string, Column> | Readonly<Record<string, Column>>;

/** Where the rows came from, so errors can point at the spreadsheet row a user sees. */
export interface RowOrigin {
  /** The user's file (or table) name for messages. */
  file?: string;
  /**
   * The 1-based spreadsheet row of each input row (header = row 1). Default: input row i is row i + 2,
   * right when the input rows are the file's data rows in order.
   */
  rowNumbers?: ArrayLike<number>;
}

/** The spreadsheet row number of input row `i`. */
export function rowNumberOf(origin: RowOrigin, i: number): number {
  return origin.rowNumbers ? origin.rowNumbers[i] : i + 2;
}

/** An error location for input row `i` (and optionally a column). */
export function locate(origin: RowOrigin, i: number, column?: string): ErrorLocation {
  return { file: origin.file, row: rowNumberOf(origin, i), column };
}

function columnMap(table: ColumnTable): ReadonlyMap<string, Column> {
  return table instanceof Map ? table : new Map(Object.entries(table as Record<string, Column>));
}

/**
 * The column `name` of `table`, checked to hold `n` rows; a missing name throws a bad-config error
 * suggesting the nearest existing column. `purpose` reads like "data column of task \"gap\"".
 */
export function requireColumn(table: ColumnTable, name: string, n: number, purpose: string, origin: RowOrigin): Column {
  const map = columnMap(table);
  const column = map.get(name);
  if (!column) {
    throw new CrucibleError('bad-config', `The ${purpose} is "${name}", but the data has no column of that name.`, {
      location: { file: origin.file },
      hint: suggestionHint(name, [...map.keys()], 'column'),
    });
  }
  if (column.values.length !== n) {
    throw new CrucibleError('internal', `Column "${name}" has ${column.values.length} rows where ${n} were expected.`);
  }
  return column;
}
