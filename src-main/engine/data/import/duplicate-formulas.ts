/**
 * Checks the formula column: formulas that cannot be parsed, and the same composition (by canonical formula key,
 * so Fe2O3 = O3Fe2 = Fe4O6) on several rows with different target values. Both are warnings: polymorphs and
 * repeated measurements are legitimate, but the user should know before splitting train and test.
 */
import { quoteIdentifier } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import type { FormulaKeys } from './formula-keys';
import { dropKeyTable, writeKeyTable } from './material-key';
import { offendingRows } from './offending-rows';
import { listRows, MAX_LISTED, plural, showValue } from './problems';
import { RID, type Relation } from './relation';
import type { Problem, RowNumbering } from './types';

const ID_LIKE = /(^|_)id$/i;

/** Warnings for the formula column of `rel`, given the keys of its formula strings (see formulaKeys). */
export async function checkFormulas(
  sql: SqlConnection,
  rel: Relation,
  keys: FormulaKeys,
  opts: { formulaColumn: string; idColumn: string | null; curveXs: readonly string[] },
  file: string,
  rowNumbers: RowNumbering,
): Promise<Problem[]> {
  const { flagged } = keys;
  if (flagged.length === 0) return [];
  const f = quoteIdentifier(opts.formulaColumn);
  const keyTable = await writeKeyTable(sql, { texts: flagged.map((x) => x.text), keys: flagged.map((x) => x.key) });
  try {
    const joined = `(SELECT r.*, k.k AS __key FROM ${rel.from} r JOIN ${keyTable} k ON trim(r.${f}) = k.f)`;
    const problems: Problem[] = [];

    const bad = await offendingRows(sql, { from: joined, rid: RID, where: '__key IS NULL', value: f }, rowNumbers);
    if (bad.total > 0) {
      problems.push({
        severity: 'warning',
        message: `${plural(bad.total, 'formula')} could not be read: ${listRows(bad.first.map((b) => ({ row: b.row, detail: showValue(b.value) })), bad.total)}.`,
        location: { file, row: bad.first[0].row, column: opts.formulaColumn },
        hint: 'Write formulas like Fe2O3 or (Ag0.5Sb0.5)Te2; rows whose formula cannot be read cannot be featurized from their composition.',
      });
    }

    const targets = rel.columns.filter(
      (c) =>
        c.name !== opts.formulaColumn &&
        c.name !== opts.idColumn &&
        !ID_LIKE.test(c.name) &&
        (c.kind === 'number' || (c.kind === 'list' && !opts.curveXs.includes(c.name))),
    );
    if (keys.anyRepeated && targets.length > 0) problems.push(...(await conflicts(sql, joined, targets.map((t) => t.name), opts.formulaColumn, file, rowNumbers)));
    return problems;
  } finally {
    await dropKeyTable(sql, keyTable);
  }
}

/** Same composition, different values: the first groups with their rows and the columns that differ. */
async function conflicts(sql: SqlConnection, joined: string, targets: string[], formulaColumn: string, file: string, rowNumbers: RowNumbering): Promise<Problem[]> {
  const differs = targets.map((t) => `count(DISTINCT ${quoteIdentifier(t)}) > 1`);
  const found = await sql.rows<{ total: number; formula: string; rids: number[]; differs: boolean[] }>(
    `SELECT count(*) OVER () AS total, min(trim(${quoteIdentifier(formulaColumn)})) AS formula, list(${RID} ORDER BY ${RID}) AS rids, [${differs.join(', ')}] AS differs
     FROM ${joined} WHERE __key IS NOT NULL GROUP BY __key HAVING ${differs.join(' OR ')} ORDER BY min(${RID}) LIMIT ${MAX_LISTED}`,
  );
  if (found.length === 0) return [];
  const examples: string[] = [];
  let firstRow = 0;
  for (const g of found) {
    const rows = await rowNumbers.rows(g.rids.slice(0, 3));
    firstRow ||= rows[0];
    const rowText = rows.join(', ') + (g.rids.length > 3 ? ` and ${g.rids.length - 3} more` : '');
    const columns = targets.filter((_, i) => g.differs[i]);
    examples.push(`${showValue(g.formula)} (rows ${rowText}: ${columns.slice(0, 3).join(', ')}${columns.length > 3 ? ', …' : ''})`);
  }
  const total = found[0].total;
  return [
    {
      severity: 'warning',
      message: `${plural(total, 'formula appears', 'formulas appear')} on several rows with different values: ${examples.join('; ')}${total > found.length ? `; and ${total - found.length} more` : ''}.`,
      location: { file, row: firstRow, column: formulaColumn },
      hint: 'Nothing was changed. Polymorphs and repeated measurements are normal, but check for typos, and keep each formula within one split (train or test).',
    },
  ];
}
