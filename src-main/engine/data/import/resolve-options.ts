/** Checks the column names an import refers to, and guesses the formula column and the table's role. */
import { suggestionHint } from '../../util/suggest';
import { ELEMENT_SYMBOLS } from '../formula/periodic-table';
import { quoteIdentifier, quoteLiteral } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';
import type { TableRole } from '../../project/schema';
import type { ColumnKind } from '../store/column-kinds';
import type { PlannedColumn } from './analyse-columns';
import type { ImportOptions, Problem } from './types';

const FORMULA_NAMES = ['formula', 'composition', 'pretty_formula', 'formula_pretty'];
const ELEMENT_NAMES = ['element', 'symbol', 'element_symbol'];
/** Share of an element column's values that must be element symbols for the table to count as per-element data. */
const ELEMENT_SHARE = 0.9;

/** Errors for every option naming a column the file does not have, each suggesting the nearest column. */
export function unknownColumns(opts: ImportOptions, columns: readonly { name: string }[], file: string): Problem[] {
  const known = columns.map((c) => c.name);
  const uses: [string, string][] = [];
  if (opts.formulaColumn !== undefined) uses.push(['--formula-column', opts.formulaColumn]);
  if (opts.idColumn !== undefined) uses.push(['--id-column', opts.idColumn]);
  for (const c of opts.curves ?? []) uses.push(['--curve', c.y], ['--curve', c.x]);
  if (opts.long) for (const name of [...opts.long.id, opts.long.x, ...opts.long.y]) uses.push(['--long', name]);
  const seen = new Set<string>();
  return uses
    .filter(([, name]) => !known.includes(name) && !seen.has(name) && seen.add(name))
    .map(([option, name]) => ({
      severity: 'error' as const,
      message: `${option} names column "${name}", which the file does not have.`,
      location: { file },
      hint: suggestionHint(name, known, 'column'),
    }));
}

/** The formula column: the one named in the options, else the first text column with a formula-like name. */
export function formulaColumnOf(opts: ImportOptions, columns: readonly { name: string; kind: ColumnKind }[]): string | null {
  if (opts.formulaColumn !== undefined) return opts.formulaColumn;
  return columns.find((c) => c.kind === 'text' && FORMULA_NAMES.includes(c.name.toLowerCase()))?.name ?? null;
}

/** An error when the formula column does not hold text (or was dropped by a long-format fold), else null. */
export function formulaKindProblem(formulaColumn: string, columns: readonly { name: string; kind: ColumnKind }[], file: string): Problem | null {
  const kind = columns.find((c) => c.name === formulaColumn)?.kind;
  if (kind === 'text') return null;
  return {
    severity: 'error',
    message:
      kind === undefined
        ? `--formula-column "${formulaColumn}" was left out when folding the long format, as it varies within a curve.`
        : `--formula-column "${formulaColumn}" holds ${kind === 'list' ? 'lists' : 'numbers'}, not chemical formulas.`,
    location: { file, column: formulaColumn },
    hint: kind === undefined ? 'Add it to the curve ID of --long.' : 'Name the column with formulas such as Fe2O3.',
  };
}

/** samples: rows are materials (a formula column); element-properties: rows are chemical elements; other. */
export async function guessRole(sql: SqlConnection, from: string, columns: readonly PlannedColumn[], formulaColumn: string | null): Promise<TableRole> {
  if (formulaColumn !== null) return 'samples';
  const elementColumn = columns.find((c) => c.kind === 'text' && ELEMENT_NAMES.includes(c.name.toLowerCase()));
  if (!elementColumn) return 'other';
  const col = quoteIdentifier(elementColumn.name);
  const symbols = ELEMENT_SYMBOLS.slice(1).map(quoteLiteral).join(', ');
  const [r] = await sql.rows<{ n: number; hits: number }>(`SELECT count(${col}) AS n, count(*) FILTER (WHERE trim(${col}) IN (${symbols})) AS hits FROM ${from}`);
  return r.n > 0 && r.hits >= ELEMENT_SHARE * r.n ? 'element-properties' : 'other';
}
