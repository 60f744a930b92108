/**
 * One row per material over several attribute tables, built in DuckDB: each table's rows are keyed (canonical
 * formula, or the id column), rows of one material within a table merged (numbers averaged, classes by majority,
 * curves averaged only on an identical grid, every conflict counted), then the tables full-outer-joined on the key.
 * A task is labelled where its table has the material and missing (masked) elsewhere.
 */
import { CrucibleError } from '../../errors';
import { SPLIT_LABELS } from '../dataset/split';
import { SPLIT_NAMES } from '../dataset/types';
import { computeKeyTable, dropKeyTable, hasStoredKeys, KEY_COLUMN } from '../import/material-key';
import { INTERNAL_TABLE_PREFIX } from '../store/data-store';
import { quoteIdentifier, quoteLiteral } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import { locateColumn, type LocatedColumn } from './locate-columns';

export interface JoinSource {
  /** The qualifier of `<name>.<column>`: the table's name or the file's stem. */
  name: string;
  /** How messages name it: `table gaps`, `elastic.csv`. */
  label: string;
  /** The DuckDB catalog and table holding it. */
  database: string;
  table: string;
  formulaColumn: string | null;
  idColumn: string | null;
  /** Its (visible) column names. */
  columns: readonly string[];
}

/** A column a task reads, as its config writes it. */
export interface JoinColumn {
  ref: string;
  kind: 'regression' | 'classification' | 'sequence';
  /** The x grid of a curve. */
  steps?: string;
}

export interface JoinRequest {
  sources: readonly JoinSource[];
  on: 'formula' | 'id';
  duplicates: 'merge' | 'refuse';
  columns: readonly JoinColumn[];
  /** The split column, read from every table that has it. */
  splitColumn: string | null;
}

export interface ConflictReport {
  /** `<source>.<column>`. */
  column: string;
  /** Materials whose rows disagree. */
  keys: number;
  /** The largest max − min among them (numbers only). */
  largestSpread: number | null;
  /** Curves on different grids: the first row's curve was kept, not averaged. */
  differentGrids: number;
  examples: { key: string; rows: number[] }[];
}

export interface SourceJoinReport {
  source: string;
  rows: number;
  /** Rows without a key (unreadable formula, blank id): left out, with example spreadsheet rows. */
  keyless: { rows: number; examples: number[] };
  keys: number;
  /** Keys also present in another table. */
  sharedKeys: number;
  /** Keys on several rows (merged). */
  duplicateKeys: number;
  conflicts: ConflictReport[];
}

export interface JoinReport {
  on: 'formula' | 'id';
  /** Materials in the union. */
  materials: number;
  sources: SourceJoinReport[];
  /** Materials whose split labels disagreed (within or across tables); each went to the highest of test > val > train. */
  splitDisagreements: number;
}

export interface MaterialUnion {
  /** The union table (main schema of the connection): one row per material, in order of first appearance. */
  table: string;
  /** Its key column, formula column (the first table's spelling) and split column (label text, when any table has one). */
  keyColumn: string;
  formulaColumn: string;
  splitColumn: string | null;
  /** The union column holding each requested ref (and steps ref). */
  columnOf: ReadonlyMap<string, string>;
  report: JoinReport;
}

const KEY = '__key';
const FORMULA = '__formula';
const SPLIT = '__split';
const EXAMPLES = 3;
/** Spreadsheet row of table row `rid` (header = row 1). */
const ROW = '(__rid + 2)';

const q = quoteIdentifier;

interface PlannedColumn {
  located: LocatedColumn;
  kind: JoinColumn['kind'];
  /** The union column. */
  name: string;
  steps?: LocatedColumn & { name: string };
}

function plan(request: JoinRequest): { columns: PlannedColumn[]; columnOf: Map<string, string> } {
  const columnOf = new Map<string, string>();
  const columns: PlannedColumn[] = [];
  const byName = new Map<string, PlannedColumn>();
  for (const c of request.columns) {
    const located = locateColumn(request.sources, c.ref, 'data column');
    const name = `${request.sources[located.source].name}.${located.column}`;
    columnOf.set(c.ref, name);
    if (byName.has(name)) continue;
    const planned: PlannedColumn = { located, kind: c.kind, name };
    if (c.steps) {
      const steps = locateColumn(request.sources, c.steps, `steps column of "${c.ref}"`, located.source);
      if (steps.source !== located.source) {
        throw new CrucibleError('bad-config', `The curve "${c.ref}" and its steps column "${c.steps}" come from different tables.`, {
          hint: `Use the steps column of ${request.sources[located.source].name}.`,
        });
      }
      planned.steps = { ...steps, name: `${request.sources[steps.source].name}.${steps.column}` };
      columnOf.set(c.steps, planned.steps.name);
    }
    byName.set(name, planned);
    columns.push(planned);
  }
  return { columns, columnOf };
}

const splitCase = (expr: string) =>
  `CASE lower(trim(CAST(${expr} AS VARCHAR))) ${Object.entries(SPLIT_LABELS)
    .map(([label, code]) => `WHEN ${quoteLiteral(label)} THEN ${code}`)
    .join(' ')} END`;

/** Builds the union in `sql`'s database (as `table`), dropping the scratch it needs on the way. */
export async function buildMaterialUnion(sql: SqlConnection, request: JoinRequest, table = 'joined_materials'): Promise<MaterialUnion> {
  const { columns, columnOf } = plan(request);
  const scratch: string[] = [];
  const keyed = request.sources.map((_, i) => `temp.${q(`${INTERNAL_TABLE_PREFIX}keyed_${i}`)}`);
  const merged = request.sources.map((_, i) => `temp.${q(`${INTERNAL_TABLE_PREFIX}merged_${i}`)}`);
  try {
    const reports: SourceJoinReport[] = [];
    for (const [i, source] of request.sources.entries()) {
      const mine = columns.filter((c) => c.located.source === i);
      reports.push(await mergeSource(sql, request, source, i, mine, keyed[i], merged[i], scratch));
    }
    const present = request.sources.map((_, i) => `(m${i}.__n IS NOT NULL)`);
    const selectColumns = columns.flatMap((c) => [c, ...(c.steps ? [{ name: c.steps.name, located: c.steps }] : [])]).map((c) => `m${c.located.source}.${q(c.name)}`);
    const anySplit = request.splitColumn !== null && request.sources.some((s) => s.columns.includes(request.splitColumn!));
    const splitCodes = request.sources.map((_, i) => `m${i}.__split_hi`);
    const joins = request.sources.map((_, i) => (i === 0 ? `${merged[0]} m0` : `FULL OUTER JOIN ${merged[i]} m${i} USING (${KEY})`)).join(' ');
    await sql.run(`DROP TABLE IF EXISTS ${q(table)}`);
    await sql.run(
      `CREATE TABLE ${q(table)} AS SELECT ${KEY}, coalesce(${request.sources.map((_, i) => `m${i}.${FORMULA}`).join(', ')}) AS ${FORMULA},
         ${selectColumns.length ? selectColumns.join(', ') + ',' : ''}
         ${anySplit ? `CASE greatest(${splitCodes.join(', ')}) ${SPLIT_NAMES.map((n, code) => `WHEN ${code} THEN '${n}'`).join(' ')} END AS ${SPLIT},` : ''}
         (greatest(${splitCodes.join(', ')}) IS DISTINCT FROM least(${request.sources.map((_, i) => `m${i}.__split_lo`).join(', ')})) AS __split_disagrees,
         ${present.map((p) => `${p}::INTEGER`).join(' + ')} AS __sources,
         ${present.map((p, i) => `${p} AS __in${i}`).join(', ')}
       FROM ${joins} ORDER BY least(${request.sources.map((_, i) => `m${i}.__order`).join(', ')})`,
    );
    const [counts] = await sql.rows<Record<string, number>>(
      `SELECT count(*)::INTEGER AS materials, count(*) FILTER (WHERE __split_disagrees)::INTEGER AS disagreements,
       ${request.sources.map((_, i) => `count(*) FILTER (WHERE __in${i} AND __sources > 1)::INTEGER AS shared${i}`).join(', ')} FROM ${q(table)}`,
    );
    reports.forEach((r, i) => (r.sharedKeys = counts[`shared${i}`]));
    await sql.run(`ALTER TABLE ${q(table)} DROP COLUMN __split_disagrees`);
    return {
      table,
      keyColumn: KEY,
      formulaColumn: FORMULA,
      splitColumn: anySplit ? SPLIT : null,
      columnOf,
      report: { on: request.on, materials: counts.materials, sources: reports, splitDisagreements: counts.disagreements },
    };
  } finally {
    for (const t of [...keyed, ...merged]) await sql.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    for (const t of scratch) await dropKeyTable(sql, t);
  }
}

/** Keys one table's rows into `keyed`, merges them per key into `merged`, and reports what it did. */
async function mergeSource(
  sql: SqlConnection,
  request: JoinRequest,
  source: JoinSource,
  index: number,
  columns: readonly PlannedColumn[],
  keyed: string,
  merged: string,
  scratch: string[],
): Promise<SourceJoinReport> {
  const from = `${q(source.database)}.main.${q(source.table)}`;
  let keyExpr: string;
  let keyJoin = '';
  if (request.on === 'id') {
    keyExpr = `nullif(trim(CAST(s.${q(source.idColumn!)} AS VARCHAR)), '')`;
  } else if (await hasStoredKeys(sql, source.database, source.table)) {
    keyExpr = `s.${q(KEY_COLUMN)}`;
  } else {
    const map = await computeKeyTable(sql, from, source.formulaColumn!);
    scratch.push(map);
    keyExpr = 'k.k';
    keyJoin = `LEFT JOIN ${map} k ON trim(s.${q(source.formulaColumn!)}) = k.f`;
  }
  const formulaExpr = source.formulaColumn ? `trim(CAST(s.${q(source.formulaColumn)} AS VARCHAR))` : `CAST(${keyExpr} AS VARCHAR)`;
  const split = request.splitColumn !== null && source.columns.includes(request.splitColumn) ? `s.${q(request.splitColumn)}` : null;
  if (split) await refuseUnknownSplitLabels(sql, from, request.splitColumn!, source);
  const cols = columns.flatMap((c, j) => [`s.${q(c.located.column)} AS c${j}`, ...(c.steps ? [`s.${q(c.steps.column)} AS g${j}`] : [])]);
  // Class majority needs each value's count within its key: a window over (key, value).
  const classCounts = columns.flatMap((c, j) => (c.kind === 'classification' ? [`count(*) OVER (PARTITION BY __key, c${j}) AS n${j}`] : []));
  await sql.run(
    `CREATE TEMP TABLE ${keyed.slice('temp.'.length)} AS SELECT *${classCounts.length ? ', ' + classCounts.join(', ') : ''} FROM (
       SELECT ${keyExpr} AS ${KEY}, s.rowid AS __rid, ${formulaExpr} AS ${FORMULA}${cols.length ? ', ' + cols.join(', ') : ''}, ${split ? splitCase(split) : 'NULL::INTEGER'} AS __split
       FROM ${from} s ${keyJoin})`,
  );
  const [stats] = await sql.rows<{ rows: number; keyless: number; examples: number[]; keys: number; duplicates: number }>(
    `SELECT count(*)::INTEGER AS rows, count(*) FILTER (WHERE ${KEY} IS NULL)::INTEGER AS keyless,
       (list(${ROW}::INTEGER ORDER BY __rid) FILTER (WHERE ${KEY} IS NULL))[1:${EXAMPLES}] AS examples,
       count(DISTINCT ${KEY})::INTEGER AS keys, (count(${KEY}) - count(DISTINCT ${KEY}))::INTEGER AS duplicates FROM ${keyed}`,
  );
  const hasDuplicates = stats.duplicates > 0;
  // Elementwise means of the curves of one key, used where the key's rows share one grid.
  const curveMeans = columns.flatMap((c, j) =>
    c.kind === 'sequence' && hasDuplicates
      ? [
          `LEFT JOIN (SELECT ${KEY}, list(v ORDER BY p) AS a${j} FROM (SELECT ${KEY}, p, avg(x) AS v FROM (SELECT ${KEY}, unnest(c${j}) AS x, generate_subscripts(c${j}, 1) AS p FROM ${keyed} WHERE ${KEY} IS NOT NULL AND c${j} IS NOT NULL) GROUP BY ALL) GROUP BY ${KEY}) USING (${KEY})`,
        ]
      : [],
  );
  const firstOf = (expr: string, j: number) => `first(${expr} ORDER BY __rid) FILTER (WHERE c${j} IS NOT NULL)`;
  const aggregates = columns.flatMap((c, j) => {
    const out = q(c.name);
    const differs = `count(DISTINCT c${j}) > 1 AS d${j}`;
    if (c.kind === 'regression') return [`avg(c${j}) AS ${out}`, differs, `max(c${j}) - min(c${j}) AS spread${j}`, `false AS grid${j}`];
    if (c.kind === 'classification') return [`first(c${j} ORDER BY n${j} DESC, c${j}) FILTER (WHERE c${j} IS NOT NULL) AS ${out}`, differs, `NULL::DOUBLE AS spread${j}`, `false AS grid${j}`];
    const sameGrid = `(count(DISTINCT ${c.steps ? `g${j}` : 'NULL'}) <= 1 AND count(DISTINCT len(c${j})) <= 1)`;
    const curve = hasDuplicates ? `CASE WHEN ${sameGrid} THEN any_value(a${j}) ELSE ${firstOf(`c${j}`, j)} END` : firstOf(`c${j}`, j);
    return [
      `${curve} AS ${out}`,
      ...(c.steps ? [`${firstOf(`g${j}`, j)} AS ${q(c.steps.name)}`] : []),
      differs,
      `NULL::DOUBLE AS spread${j}`,
      `NOT ${sameGrid} AS grid${j}`,
    ];
  });
  await sql.run(
    `CREATE TEMP TABLE ${merged.slice('temp.'.length)} AS SELECT ${KEY}, count(*) AS __n, (${index}::BIGINT << 40) + min(__rid) AS __order,
       first(${FORMULA} ORDER BY __rid) AS ${FORMULA}, (list(${ROW}::INTEGER ORDER BY __rid))[1:5] AS __rows,
       max(__split) AS __split_hi, min(__split) AS __split_lo${aggregates.length ? ', ' + aggregates.join(', ') : ''}
     FROM ${keyed} ${curveMeans.join(' ')} WHERE ${KEY} IS NOT NULL GROUP BY ${KEY}`,
  );
  const conflicts: ConflictReport[] = [];
  if (hasDuplicates) {
    for (const [j, c] of columns.entries()) {
      const [found] = await sql.rows<{ keys: number; spread: number | null; grids: number; examples: { key: string; rows: number[] }[] | null }>(
        `SELECT count(*)::INTEGER AS keys, max(spread${j}) AS spread, count(*) FILTER (WHERE grid${j})::INTEGER AS grids,
           (list({key: ${KEY}, rows: __rows} ORDER BY __order))[1:${EXAMPLES}] AS examples FROM ${merged} WHERE d${j} OR grid${j}`,
      );
      if (found.keys > 0) conflicts.push({ column: c.name, keys: found.keys, largestSpread: found.spread, differentGrids: found.grids, examples: found.examples ?? [] });
    }
  }
  if (request.duplicates === 'refuse' && conflicts.length > 0) {
    const c = conflicts[0];
    const example = c.examples[0];
    throw new CrucibleError(
      'bad-input',
      `${source.label}: ${c.keys} material(s) have rows that disagree on "${c.column.slice(source.name.length + 1)}" (e.g. ${example.key} on rows ${example.rows.join(', ')})${conflicts.length > 1 ? `, and ${conflicts.length - 1} more column(s) disagree` : ''}.`,
      { location: { file: source.label, row: example.rows[0], column: c.column.slice(source.name.length + 1) }, hint: 'Remove or fix the repeated rows, or set data.init_args.duplicates: merge to average them (classes by majority).' },
    );
  }
  return {
    source: source.label,
    rows: stats.rows,
    keyless: { rows: stats.keyless, examples: stats.examples ?? [] },
    keys: stats.keys,
    sharedKeys: 0,
    duplicateKeys: await sql.value<number>(`SELECT count(*)::INTEGER FROM ${merged} WHERE __n > 1`),
    conflicts,
  };
}

async function refuseUnknownSplitLabels(sql: SqlConnection, from: string, column: string, source: JoinSource): Promise<void> {
  const [bad] = await sql.rows<{ value: string; row: number }>(
    `SELECT CAST(${q(column)} AS VARCHAR) AS value, (rowid + 2)::INTEGER AS row FROM ${from}
     WHERE nullif(trim(CAST(${q(column)} AS VARCHAR)), '') IS NOT NULL AND ${splitCase(q(column))} IS NULL ORDER BY rowid LIMIT 1`,
  );
  if (bad) {
    throw new CrucibleError('bad-input', `Split value "${bad.value}" is not a split name.`, {
      location: { file: source.label, row: bad.row, column },
      hint: `Use ${Object.keys(SPLIT_LABELS).join(', ')}, or leave the cell blank to split at random.`,
    });
  }
}
