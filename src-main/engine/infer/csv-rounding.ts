/**
 * The digits a CSV of predictions keeps: each task's values (and an ensemble's std and interval bounds) rounded to the
 * decimals its test error allows (`shownDecimals`, from the model's test MAE), else to 4 significant digits, the same
 * digits the app shows. Rounded by DuckDB while writing; Parquet files and project tables keep full precision.
 */
import { z } from 'zod';
import { quoteIdentifier } from '../data/store/identifiers';
import { SIGNIFICANT_DIGITS } from '../util/quantities';

export const ColumnRoundingSchema = z.object({
  column: z.string(),
  /** Decimals to keep; null = {@link SIGNIFICANT_DIGITS} significant digits. */
  decimals: z.number().int().nonnegative().nullable(),
  /** The column holds lists (curves, vectors): each element is rounded. */
  list: z.boolean(),
});
export type ColumnRounding = z.infer<typeof ColumnRoundingSchema>;

/** `v` rounded as `decimals` says, as DOUBLE; + 0.0 turns the -0.0 that rounding a small negative gives into 0.0. */
function roundedValue(v: string, decimals: number | null): string {
  const x = `${v}::DOUBLE`;
  if (decimals !== null) return `(round(${x}, ${decimals}) + 0.0)`;
  return `(CASE WHEN ${x} = 0 OR NOT isfinite(${x}) THEN ${x} ELSE round(${x}, (${SIGNIFICANT_DIGITS - 1} - floor(log10(abs(${x}))))::INTEGER) + 0.0 END)`;
}

/** The rows of `select` with `rounding`'s columns rounded; columns it does not name are left as they are. */
export function roundedSelect(select: string, rounding: readonly ColumnRounding[]): string {
  if (rounding.length === 0) return select;
  const replaced = rounding.map(({ column, decimals, list }) => {
    const c = quoteIdentifier(column);
    return `${list ? `list_transform(${c}, lambda v: ${roundedValue('v', decimals)})` : roundedValue(c, decimals)} AS ${c}`;
  });
  return `SELECT * REPLACE (${replaced.join(', ')}) FROM (${select})`;
}
