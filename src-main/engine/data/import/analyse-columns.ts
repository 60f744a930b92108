/**
 * Decides each staged column's final type with set-based SQL (one aggregate pass over the table, then targeted
 * queries only for columns with problems) and reports cells that break the decision.
 *
 * Rules, on the non-missing cells of a text column:
 * - numeric when at least 95% parse as numbers, not counting missing-value markers (NA, n/a, null, -), which
 *   become missing; the others are reported as errors with their rows;
 * - a numeric list column when at least 95% start with '[' and at least half parse as lists of numbers
 *   (JSON arrays such as "[0.1, 0.2]"); the others (unclosed brackets, non-numbers inside) are errors;
 * - text otherwise (lists of strings such as ["Ba", "Te"] stay text); a text column of mostly numbers (half or
 *   more) gets a warning naming its other cells, as a typo in a short file falls below 95%.
 * Infinite values (inf, 1e999) are errors in number and list columns; NaN counts as missing.
 */
import { columnKind, type ColumnKind } from '../store/column-kinds';
import { quoteIdentifier, quoteLiteral } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import { NUMERIC_MISSING_MARKERS } from './missing-values';
import { offendingRows } from './offending-rows';
import { listRows, plural, showValue } from './problems';
import { stagedRowIndex } from './relation';
import type { Problem, RowNumbering } from './types';

/** Share of non-missing cells that must parse for a column to count as numeric (or as a list column). */
const NUMERIC_SHARE = 0.95;
/** A text column with at least this share (and count) of numbers gets a warning naming its other cells. */
const MOSTLY_NUMERIC_SHARE = 0.5;
const MOSTLY_NUMERIC_MIN = 3;

/** One column of the table being built: its final type and the SQL computing it from the staged column. */
export interface PlannedColumn {
  name: string;
  kind: ColumnKind;
  /** DuckDB type of the final column. */
  type: string;
  /** SQL expression over the staging table producing the final value. */
  expr: string;
  /** Whether `expr` is the staged column unchanged. */
  identity: boolean;
}

export interface StagedColumn {
  name: string;
  /** DuckDB type as staged. */
  type: string;
}

/** The columns of a staged table, in order. */
export function stagedColumns(sql: SqlConnection, table: string): Promise<StagedColumn[]> {
  return sql.rows<StagedColumn>(
    `SELECT column_name AS name, data_type AS type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${quoteLiteral(table)} ORDER BY column_index`,
  );
}

const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT']);
const NAN_TO_NULL = (e: string) => `nullif(${e}, 'NaN'::DOUBLE)`;
const AS_NUMBER = (c: string) => `TRY_CAST(${c} AS DOUBLE)`;
const AS_LIST = (c: string) => `TRY(CAST(${c} AS DOUBLE[]))`;
const MARKERS = `(${NUMERIC_MISSING_MARKERS.map(quoteLiteral).join(', ')})`;
const LIST_NAN_TO_NULL = (e: string) => `list_transform(${e}, x -> ${NAN_TO_NULL('x')})`;

/** Plans every staged column (see the rules above) and reports the cells that break its plan. */
export async function analyseColumns(
  sql: SqlConnection,
  table: string,
  staged: readonly StagedColumn[],
  file: string,
  rowNumbers: RowNumbering,
): Promise<{ columns: PlannedColumn[]; rowCount: number; problems: Problem[] }> {
  const from = quoteIdentifier(table);
  const aggregates = ['count(*) AS "rows"'];
  staged.forEach((c, j) => {
    const col = quoteIdentifier(c.name);
    // A sum that is not finite (and not NULL, for an empty column) reveals NaN or infinite values in one pass.
    if (FLOAT_TYPES.has(c.type)) aggregates.push(`sum(${col}) AS "s${j}"`);
    if (c.type === 'VARCHAR') {
      aggregates.push(
        `count(${col}) AS "n${j}"`,
        `count(${AS_NUMBER(col)}) AS "num${j}"`,
        `count(*) FILTER (WHERE trim(${col}) IN ${MARKERS}) AS "mk${j}"`,
        `count(*) FILTER (WHERE starts_with(ltrim(${col}), '[')) AS "lst${j}"`,
        // TRY() costs an exception per failing cell, so only cells that look like lists are tried.
        `count(CASE WHEN starts_with(ltrim(${col}), '[') THEN ${AS_LIST(col)} END) AS "nl${j}"`,
      );
    }
    if (columnKind(c.type) === 'list') aggregates.push(`count(*) FILTER (WHERE list_bool_or(list_transform(${col}, x -> NOT isfinite(x)))) AS "bad${j}"`);
  });
  const [stats] = await sql.rows<Record<string, number>>(`SELECT ${aggregates.join(', ')} FROM ${from}`);
  const rowCount = stats.rows;

  const problems: Problem[] = [];
  const report = async (
    column: string,
    where: string,
    value: string,
    message: (list: string, total: number) => string,
    hint: string,
    detail: (value: unknown) => string = showValue,
  ) => {
    const found = await offendingRows(sql, { from, rid: stagedRowIndex(table), where, value }, rowNumbers);
    if (found.total === 0) return;
    const list = listRows(found.first.map((f) => ({ row: f.row, detail: detail(f.value) })), found.total);
    problems.push({ severity: 'error', message: message(list, found.total), location: { file, row: found.first[0].row, column }, hint });
  };
  const reportInfinite = (column: string, where: string, value: string) =>
    report(column, where, value, (list, n) => `${plural(n, 'infinite value')}: ${list}.`, 'Replace them with finite numbers, or empty the cells to mark missing values.');

  const columns: PlannedColumn[] = [];
  for (const [j, c] of staged.entries()) {
    const col = quoteIdentifier(c.name);
    const n = stats[`n${j}`];
    const kind = columnKind(c.type);
    const plan: PlannedColumn = { name: c.name, kind, type: c.type, expr: col, identity: true };

    if (FLOAT_TYPES.has(c.type) && stats[`s${j}`] !== null && !Number.isFinite(stats[`s${j}`])) {
      const [special] = await sql.rows<{ nan: number }>(`SELECT count(*) FILTER (WHERE isnan(${col})) AS nan FROM ${from}`);
      if (special.nan > 0) Object.assign(plan, { expr: NAN_TO_NULL(col), identity: false });
      await reportInfinite(c.name, `isinf(${col})`, col);
    } else if (kind === 'list') {
      if (stats[`bad${j}`] > 0) await reportInfinite(c.name, `list_bool_or(list_transform(${col}, x -> isinf(x)))`, col);
      if (c.type !== 'DOUBLE[]' || stats[`bad${j}`] > 0) Object.assign(plan, { expr: LIST_NAN_TO_NULL(`CAST(${col} AS DOUBLE[])`), identity: false, type: 'DOUBLE[]' });
    } else if (c.type === 'VARCHAR' && n > 0) {
      const num = stats[`num${j}`];
      const lists = stats[`lst${j}`];
      const numericLists = stats[`nl${j}`];
      const markers = stats[`mk${j}`];
      if (num >= NUMERIC_SHARE * (n - markers) && num > 0) {
        Object.assign(plan, { kind: 'number', type: 'DOUBLE', expr: NAN_TO_NULL(AS_NUMBER(col)), identity: false });
        if (num < n - markers) {
          await report(
            c.name,
            `${col} IS NOT NULL AND ${AS_NUMBER(col)} IS NULL AND trim(${col}) NOT IN ${MARKERS}`,
            col,
            (list, total) => `the column holds numbers, but ${plural(total, 'cell')} ${total === 1 ? 'does' : 'do'} not: ${list}.`,
            'Correct these cells, or empty them to mark missing values.',
          );
        }
        await reportInfinite(c.name, `isinf(${AS_NUMBER(col)})`, col);
      } else if (lists >= NUMERIC_SHARE * n && numericLists >= 0.5 * n) {
        Object.assign(plan, { kind: 'list', type: 'DOUBLE[]', expr: LIST_NAN_TO_NULL(AS_LIST(col)), identity: false });
        if (numericLists < n) {
          await report(
            c.name,
            `${col} IS NOT NULL AND ${AS_LIST(col)} IS NULL`,
            col,
            (list, total) => `the column holds lists of numbers, but ${plural(total, 'cell')} ${total === 1 ? 'does' : 'do'} not: ${list}.`,
            'Write each list as [1.5, 2, 3] with numbers only, or empty the cell.',
            (v) => `${showValue(v)} (${String(v).trimEnd().endsWith(']') ? 'an entry is not a number' : 'no closing ]'})`,
          );
        }
        await reportInfinite(c.name, `list_bool_or(list_transform(${AS_LIST(col)}, x -> isinf(x)))`, col);
      } else if (num >= MOSTLY_NUMERIC_SHARE * (n - markers) && num >= MOSTLY_NUMERIC_MIN) {
        // Too many other cells to call it numeric, too many numbers to be text: a typo or a unit in a few cells, most likely.
        const found = await offendingRows(
          sql,
          { from, rid: stagedRowIndex(table), where: `${col} IS NOT NULL AND ${AS_NUMBER(col)} IS NULL AND trim(${col}) NOT IN ${MARKERS}`, value: col },
          rowNumbers,
        );
        problems.push({
          severity: 'warning',
          message: `${num} of ${n - markers} cells hold numbers, but ${plural(found.total, 'cell')} ${found.total === 1 ? 'does' : 'do'} not: ${listRows(
            found.first.map((f) => ({ row: f.row, detail: showValue(f.value) })),
            found.total,
          )}. The column was imported as text, so it cannot be a regression target as it is.`,
          location: { file, row: found.first[0]?.row, column: c.name },
          hint: 'Correct these cells (or empty them to mark missing values) and import the file again.',
        });
      }
    }
    columns.push(plan);
  }
  return { columns, rowCount, problems };
}
