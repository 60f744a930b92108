/**
 * Which cell texts mean "missing". Readers treat empty cells and NaN as missing everywhere; other common markers
 * (NA, n/a, null, -) count as missing only in columns that are otherwise numeric, since in a text column they may
 * be real values. (Kept apart also because every extra null string slows DuckDB's CSV reader measurably.)
 */
export const READ_AS_MISSING: readonly string[] = ['', 'NaN', 'nan'];

export const NUMERIC_MISSING_MARKERS: readonly string[] = ['NA', 'N/A', 'n/a', 'null', 'NULL', 'None', '-'];

export function isReadAsMissing(text: string): boolean {
  return READ_AS_MISSING.includes(text.trim());
}
