/**
 * Canonical formula keys (Fe2O3 = O3Fe2 = Fe4O6) of a table's distinct formula strings, computed in JS while
 * DuckDB goes on with other work: the loop yields to the event loop now and then so that queries issued
 * meanwhile run on DuckDB's threads beside it.
 */
import { canonicalFormula } from '../formula/canonical';
import { parseFormula } from '../formula/parse-formula';
import { quoteIdentifier } from '../store/identifiers';
import type { SqlConnection } from '../store/sql-connection';

/** Formula strings whose rows need a closer look: unparsable ones (key null) and those sharing a composition with other rows. */
export interface FormulaKeys {
  flagged: { text: string; key: string | null }[];
  /** Whether some composition appears on several rows. */
  anyRepeated: boolean;
  /** Every distinct formula string with its key (null: unparsable), stored beside the rows at import (data/join/material-key.ts). */
  all: { texts: readonly string[]; keys: readonly (string | null)[] };
}

const YIELD_EVERY = 20_000;

/** The distinct trimmed formula strings of a column and the rows each is on. */
export interface DistinctFormulas {
  texts: string[];
  rows: number[];
}

/** Keys of the distinct formulas (see distinctFormulas). */
export async function formulaKeys({ texts, rows }: DistinctFormulas): Promise<FormulaKeys> {
  const keyOf: (string | null)[] = new Array(texts.length);
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (let i = 0; i < texts.length; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    let key: string | null = null;
    try {
      // The strings are distinct, so formulaKey's cache would only cost: the key is computed directly.
      key = canonicalFormula(parseFormula(texts[i]));
    } catch {
      // left without a key: reported as unparsable
    }
    keyOf[i] = key;
    if (key !== null) {
      if (rows[i] > 1 || seen.has(key)) repeated.add(key);
      seen.add(key);
    }
  }
  const flagged: FormulaKeys['flagged'] = [];
  for (let i = 0; i < texts.length; i++) {
    if (keyOf[i] === null || repeated.has(keyOf[i]!)) flagged.push({ text: texts[i], key: keyOf[i] });
  }
  return { flagged, anyRepeated: repeated.size > 0, all: { texts, keys: keyOf } };
}

/**
 * The distinct trimmed strings in `column` of `from` (a table or parenthesised query) with their row counts.
 * Formulas on one row only (usually nearly all of them) come back as one newline-joined string, much faster than
 * a million-row result; a formula containing a line break cannot be valid and comes back on its own.
 */
export async function distinctFormulas(sql: SqlConnection, from: string, column: string): Promise<DistinctFormulas> {
  const f = quoteIdentifier(column);
  const single = `n = 1 AND f <> '' AND NOT contains(f, chr(10))`;
  const [r] = await sql.rows<{ singles: string | null; texts: string[] | null; counts: number[] | null }>(
    `SELECT string_agg(f, chr(10)) FILTER (WHERE ${single}) AS singles, list(f) FILTER (WHERE NOT (${single})) AS texts, list(n) FILTER (WHERE NOT (${single})) AS counts
     FROM (SELECT trim(${f}) AS f, count(*) AS n FROM ${from} WHERE ${f} IS NOT NULL GROUP BY ALL)`,
  );
  const singles = r.singles ? r.singles.split('\n') : [];
  return { texts: [...singles, ...(r.texts ?? [])], rows: [...new Array<number>(singles.length).fill(1), ...(r.counts ?? [])] };
}
