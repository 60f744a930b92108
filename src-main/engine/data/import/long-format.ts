/**
 * Folds a long-format table (one row per curve point) into one row per curve: the ID columns identify a curve,
 * X and the Y columns become lists sorted by X (ties kept in file order), and the other columns are kept when
 * constant within every curve (otherwise left out, with a warning naming an example).
 *
 * What ID means is the user's call: ESTM, for instance, has several measured curves per formula (different
 * papers), so `--long formula,...` merges them into one curve with repeated temperatures (warned about) and
 * leaves out reference_doi (it varies), while `--long formula+reference_doi,...` gives one curve per paper.
 */
import { quoteIdentifier } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import type { PlannedColumn } from './analyse-columns';
import { offendingRows } from './offending-rows';
import { listRows, plural, showValue } from './problems';
import { RID, type Relation } from './relation';
import type { LongSpec, Problem, RowNumbering } from './types';

export interface PivotResult {
  relation?: Relation;
  problems: Problem[];
  sourceRows: number;
}

export async function pivotLongFormat(
  sql: SqlConnection,
  staged: Relation,
  spec: LongSpec,
  table: string,
  file: string,
  rowNumbers: RowNumbering,
): Promise<PivotResult> {
  const problems = specProblems(staged.columns, spec, file);
  const sourceRows = await sql.value<number>(`SELECT count(*) FROM ${staged.from}`);
  if (problems.length > 0) return { problems, sourceRows };

  const q = quoteIdentifier;
  const ids = spec.id.map(q).join(', ');
  const x = q(spec.x);
  const curveOf = spec.id.join(' and ');

  for (const [name, where] of [
    [spec.id.join('+'), spec.id.map((c) => `${q(c)} IS NULL`).join(' OR ')],
    [spec.x, `${x} IS NULL`],
  ] as const) {
    const found = await offendingRows(sql, { from: staged.from, rid: RID, where, value: 'NULL' }, rowNumbers);
    if (found.total > 0) {
      problems.push({
        severity: 'error',
        message: `${plural(found.total, 'row')} of the long format ${found.total === 1 ? 'has' : 'have'} no ${name}: ${listRows(found.first, found.total)}.`,
        location: { file, row: found.first[0].row, column: name },
        hint: `Every point needs its curve ID and its ${spec.x}; fill the cells or delete those rows.`,
      });
    }
  }
  if (problems.length > 0) return { problems, sourceRows };

  const others = staged.columns.filter((c) => !spec.id.includes(c.name) && c.name !== spec.x && !spec.y.includes(c.name));
  const varying = new Set<string>();
  if (others.length > 0) {
    const [distinct] = await sql.rows<Record<string, number>>(
      `SELECT ${others.map((_, j) => `max(d${j}) AS d${j}`).join(', ')} FROM (SELECT ${others.map((c, j) => `count(DISTINCT ${q(c.name)}) AS d${j}`).join(', ')} FROM ${staged.from} GROUP BY ${ids})`,
    );
    for (const [j, c] of others.entries()) {
      if (distinct[`d${j}`] <= 1) continue;
      varying.add(c.name);
      const [example] = await sql.rows<{ rids: number[] }>(
        `SELECT list(${RID} ORDER BY ${RID})[1:2] AS rids FROM ${staged.from} GROUP BY ${ids} HAVING count(DISTINCT ${q(c.name)}) > 1 ORDER BY min(${RID}) LIMIT 1`,
      );
      const rows = await rowNumbers.rows(example.rids);
      const asY = `--long ${spec.id.join('+')},${spec.x},${[...spec.y, c.name].join(',')}`;
      const asId = `--long ${[...spec.id, c.name].join('+')},${spec.x},${spec.y.join(',')}`;
      problems.push({
        severity: 'warning',
        message: `column "${c.name}" varies within a curve (e.g. rows ${rows.join(' and ')} have the same ${curveOf} but not the same ${c.name}), so it was left out.`,
        location: { file, row: rows[0], column: c.name },
        hint:
          c.kind === 'number'
            ? `If it is measured at each ${spec.x}, keep it as a curve: ${asY}.`
            : `If it tells curves apart (e.g. a source), add it to the curve ID: ${asId}.`,
      });
    }
  }

  const repeats = await offendingRows(
    sql,
    { from: `(SELECT min(${RID}) AS ${RID}, any_value(${x}) AS x FROM ${staged.from} GROUP BY ${ids}, ${x} HAVING count(*) > 1)`, rid: RID, where: 'true', value: 'x' },
    rowNumbers,
  );
  if (repeats.total > 0) {
    problems.push({
      severity: 'warning',
      message: `${plural(repeats.total, `curve point repeats its ${spec.x}`, `curve points repeat their ${spec.x}`)} within a curve (both points are kept): ${listRows(repeats.first.map((r) => ({ row: r.row, detail: `(${spec.x} = ${showValue(r.value)})` })), repeats.total)}.`,
      location: { file, row: repeats.first[0].row, column: spec.x },
      hint: `Average or remove repeated points if they are duplicates, or extend the curve ID (e.g. with a source column) if they belong to different curves.`,
    });
  }

  const select = staged.columns
    .filter((c) => !varying.has(c.name))
    .map((c) => {
      const col = q(c.name);
      if (spec.id.includes(c.name)) return col;
      if (c.name === spec.x || spec.y.includes(c.name)) return `list(${col} ORDER BY ${x}, ${RID}) AS ${col}`;
      return `any_value(${col}) AS ${col}`;
    });
  await sql.run(
    `CREATE TABLE ${q(table)} AS SELECT min(${RID}) AS ${RID}, ${select.join(', ')} FROM ${staged.from} GROUP BY ${ids} ORDER BY min(${RID})`,
  );
  const columns: PlannedColumn[] = staged.columns
    .filter((c) => !varying.has(c.name))
    .map((c) => {
      const isList = c.name === spec.x || spec.y.includes(c.name);
      return { name: c.name, kind: isList ? 'list' : c.kind, type: isList ? 'DOUBLE[]' : c.type, expr: q(c.name), identity: true };
    });
  return { relation: { from: q(table), columns, isStagedTable: false }, problems, sourceRows };
}

/** Errors for ID, X and Y columns of the wrong kind or named twice. */
function specProblems(columns: readonly PlannedColumn[], spec: LongSpec, file: string): Problem[] {
  const problems: Problem[] = [];
  const kindOf = (name: string) => columns.find((c) => c.name === name)?.kind;
  const all = [...spec.id, spec.x, ...spec.y];
  const twice = all.filter((n, i) => all.indexOf(n) !== i);
  if (twice.length > 0) {
    problems.push({ severity: 'error', message: `--long names column "${twice[0]}" twice.`, location: { file }, hint: 'The ID, X and Y columns must all differ.' });
  }
  for (const name of [spec.x, ...spec.y]) {
    if (kindOf(name) !== 'number') {
      problems.push({
        severity: 'error',
        message: `--long: column "${name}" must hold numbers (it is the curve's ${name === spec.x ? 'x' : 'y'}).`,
        location: { file, column: name },
        hint: 'Check the order ID,X,Y and that the column holds one number per row.',
      });
    }
  }
  for (const name of spec.id) {
    if (kindOf(name) === 'list') {
      problems.push({ severity: 'error', message: `--long: the ID column "${name}" holds lists.`, location: { file, column: name }, hint: 'Identify curves by a formula or name column.' });
    }
  }
  return problems;
}
