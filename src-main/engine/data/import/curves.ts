/** Checks declared curves: both columns hold numeric lists, and each row's y list is as long as its x list. */
import { quoteIdentifier } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import type { Curve } from '../../project/schema';
import { offendingRows } from './offending-rows';
import { listRows, plural } from './problems';
import { RID, type Relation } from './relation';
import type { Problem, RowNumbering } from './types';

export async function checkCurves(sql: SqlConnection, rel: Relation, curves: readonly Curve[], file: string, rowNumbers: RowNumbering): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const curve of curves) {
    const notLists = [curve.y, curve.x].filter((name) => rel.columns.find((c) => c.name === name)?.kind !== 'list');
    if (notLists.length > 0) {
      for (const name of notLists) {
        problems.push({
          severity: 'error',
          message: `--curve ${curve.y}:${curve.x}: column "${name}" does not hold lists of numbers.`,
          location: { file, column: name },
          hint: 'Curve columns hold a list such as [0.1, 0.2, 0.3] in each cell; check the column names and order (Y:X).',
        });
      }
      continue;
    }
    const y = quoteIdentifier(curve.y);
    const x = quoteIdentifier(curve.x);
    const found = await offendingRows(
      sql,
      {
        from: rel.from,
        rid: RID,
        where: `${y} IS NOT NULL AND (${x} IS NULL OR len(${y}) <> len(${x}))`,
        value: `len(${y}) || ' values for ' || coalesce(len(${x}), 0) || ' x'`,
      },
      rowNumbers,
    );
    if (found.total > 0) {
      problems.push({
        severity: 'error',
        message: `curve "${curve.y}" on "${curve.x}": the lengths differ in ${plural(found.total, 'row')}: ${listRows(found.first.map((f) => ({ row: f.row, detail: `(${f.value})` })), found.total)}.`,
        location: { file, row: found.first[0].row, column: curve.y },
        hint: `Each row needs one ${curve.y} value per ${curve.x} value; correct the lists or empty the ${curve.y} cell.`,
      });
    }
  }
  return problems;
}
