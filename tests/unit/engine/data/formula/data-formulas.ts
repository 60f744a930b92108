/** Every formula column (`formula`, `formula_*`) of every CSV in the real data sets in data/, read through DuckDB. */
import { DuckDBInstance } from '@duckdb/node-api';
import { readdirSync } from 'node:fs';
import { dataSet } from '../../../../helpers/paths';

export interface FormulaColumn {
  /** Path relative to data/, e.g. `matbench_glass/glass.csv`. */
  readonly file: string;
  readonly column: string;
  /** The cells in file order; an empty cell is ''. */
  readonly formulas: string[];
}

export async function dataFormulaColumns(): Promise<FormulaColumn[]> {
  const files = readdirSync(dataSet(), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const columns: FormulaColumn[] = [];
    for (const file of files) {
      const source = `read_csv('${dataSet(file).replaceAll("'", "''")}', header = true, all_varchar = true)`;
      const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      const names = (described.getColumnsJS()[0] as string[]).filter((c) => c === 'formula' || c.startsWith('formula_'));
      for (const column of names) {
        const read = await connection.runAndReadAll(`SELECT "${column}" FROM ${source}`);
        const formulas = (read.getColumnsJS()[0] as (string | null)[]).map((f) => f ?? '');
        columns.push({ file, column, formulas });
      }
    }
    return columns;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The distinct formulas over all columns, in first-seen order. */
export async function dataFormulas(): Promise<string[]> {
  return [...new Set((await dataFormulaColumns()).flatMap((c) => c.formulas))];
}
