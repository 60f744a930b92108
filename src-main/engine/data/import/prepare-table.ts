/**
 * The import pipeline up to (not including) writing the final table, shared by import and file preview:
 * stage the file, decide column types, check the options, fold long formats, check curves and formulas.
 * It stops early when later checks would only repeat an earlier problem.
 */
import { basename } from 'node:path';
import type { Curve, LongFormat, SourceFormat, TableRole } from '../../project/schema';
import type { SqlConnection } from '../store/sql-connection';
import { columnKind } from '../store/column-kinds';
import { quoteIdentifier } from '../store/identifiers';
import { analyseColumns, stagedColumns } from './analyse-columns';
import { checkCurves } from './curves';
import { checkFormulas } from './duplicate-formulas';
import { distinctFormulas, formulaKeys, type FormulaKeys } from './formula-keys';
import { pivotLongFormat } from './long-format';
import { importerFor } from './registry';
import { stagedRelation, type Relation } from './relation';
import { formulaColumnOf, formulaKindProblem, guessRole, unknownColumns } from './resolve-options';
import type { ImportOptions, Problem, TextReading } from './types';

export interface PreparedTable {
  format: SourceFormat;
  /** The final table as SQL; absent when the file had errors that stopped the checks. */
  relation?: Relation;
  /** Rows of the final table (curves, for a long-format file). */
  rowCount: number;
  /** Errors, warnings and notices, in the order found. */
  problems: Problem[];
  formulaColumn: string | null;
  /** The canonical key of each distinct formula string of `formulaColumn`, when it holds formulas. */
  formulaKeys: FormulaKeys | null;
  idColumn: string | null;
  curves: Curve[];
  longFormat: LongFormat | null;
  role: TableRole;
  /** How a delimited text file was read (null for other formats). */
  reading: TextReading | null;
}

/** Scratch table names inside the caller's transaction (or in-memory database). */
export interface ScratchTables {
  staging: string;
  long: string;
}

const hasErrors = (problems: readonly Problem[]) => problems.some((p) => p.severity === 'error');

/** `onStaged` runs once the file is loaded, for work best done beside the checks (they leave a core free). */
export async function prepareTable(sql: SqlConnection, file: string, scratch: ScratchTables, opts: ImportOptions, onStaged?: () => void): Promise<PreparedTable> {
  const name = basename(file);
  const staged = await importerFor(file).stage(sql, file, scratch.staging, opts);
  onStaged?.();
  const result: PreparedTable = {
    format: staged.format,
    rowCount: 0,
    problems: [...staged.problems],
    formulaColumn: null,
    formulaKeys: null,
    idColumn: opts.idColumn ?? null,
    curves: [],
    longFormat: null,
    role: 'other',
    reading: staged.reading ?? null,
  };
  // Rows the reader rejected shift every later row index, so nothing further could be located reliably.
  if (hasErrors(result.problems)) return result;

  const columns = await stagedColumns(sql, scratch.staging);
  result.problems.push(...unknownColumns(opts, columns, name));
  if (hasErrors(result.problems)) return result;

  // The formula keys are computed in JS while DuckDB analyses the columns (it then needs one core, JS the other).
  const staging = quoteIdentifier(scratch.staging);
  const kinds = columns.map((c) => ({ name: c.name, kind: columnKind(c.type) }));
  const guess = formulaColumnOf(opts, kinds);
  const distinct = guess !== null && kinds.find((c) => c.name === guess)?.kind === 'text' ? await distinctFormulas(sql, staging, guess) : null;
  const analysing = analyseColumns(sql, scratch.staging, columns, name, staged.rowNumbers);
  const [analysis, guessedKeys] = await Promise.all([analysing, distinct && formulaKeys(distinct)]);
  result.rowCount = analysis.rowCount;
  if (analysis.rowCount === 0) {
    result.problems.push({
      severity: 'error',
      message: 'the file has a header but no data rows.',
      location: { file: name },
      hint: 'Add the data below the header row, or check that you exported the right sheet or file.',
    });
    return result;
  }
  let relation = stagedRelation(scratch.staging, analysis.columns);
  // Kept even when there are errors, so that a preview can show the rows (cells in error read as missing).
  result.relation = relation;
  result.problems.push(...analysis.problems);
  if (hasErrors(result.problems)) return result;

  if (opts.long) {
    const pivot = await pivotLongFormat(sql, relation, opts.long, scratch.long, name, staged.rowNumbers);
    result.problems.push(...pivot.problems);
    if (!pivot.relation) return result;
    relation = pivot.relation;
    result.longFormat = { ...opts.long, sourceRows: pivot.sourceRows };
    result.rowCount = await sql.value<number>(`SELECT count(*) FROM ${relation.from}`);
    result.relation = relation;
  }

  const curves = [...(opts.long?.y.map((y) => ({ y, x: opts.long!.x })) ?? []), ...(opts.curves ?? [])];
  result.curves = curves.filter((c, i) => curves.findIndex((d) => d.y === c.y) === i);
  result.problems.push(...(await checkCurves(sql, relation, opts.curves ?? [], name, staged.rowNumbers)));

  const formulaColumn = formulaColumnOf(opts, relation.columns);
  const notFormulas = formulaColumn === null ? null : formulaKindProblem(formulaColumn, relation.columns, name);
  if (notFormulas) result.problems.push(notFormulas);
  else if (formulaColumn !== null) {
    result.formulaColumn = formulaColumn;
    const keys = formulaColumn === guess && guessedKeys ? guessedKeys : await formulaKeys(await distinctFormulas(sql, relation.from, formulaColumn));
    result.formulaKeys = keys;
    const curveXs = result.curves.map((c) => c.x);
    result.problems.push(...(await checkFormulas(sql, relation, keys, { formulaColumn, idColumn: result.idColumn, curveXs }, name, staged.rowNumbers)));
  }
  result.role = await guessRole(sql, relation.from, relation.columns, result.formulaColumn);
  return result;
}
