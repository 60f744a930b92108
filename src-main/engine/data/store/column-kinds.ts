/** Maps DuckDB column types onto the three kinds of column Crucible works with: numbers, text and numeric lists. */

/** number: any numeric or boolean type; list: a list of numbers (curves, vectors); text: everything else. */
export type ColumnKind = 'number' | 'text' | 'list';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?|BOOLEAN)$/;

export function columnKind(duckdbType: string): ColumnKind {
  if (NUMERIC.test(duckdbType)) return 'number';
  const list = /^(.*)\[\d*\]$/.exec(duckdbType);
  if (list && NUMERIC.test(list[1])) return 'list';
  return 'text';
}
