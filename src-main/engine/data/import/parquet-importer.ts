/** Parquet through DuckDB's read_parquet: column types come from the file; row order is kept. */
import { basename } from 'node:path';
import { quoteIdentifier, quoteLiteral } from '../store/identifiers';
import { unreadable } from './problems';
import { headerThenRows } from './row-numbers';
import type { Importer } from './types';

export const parquetImporter: Importer = {
  format: 'parquet',
  async stage(sql, file, table) {
    try {
      await sql.run(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT * FROM read_parquet(${quoteLiteral(file)})`);
    } catch (e) {
      throw unreadable(
        basename(file),
        `the file could not be read as Parquet: ${(e as Error).message.split('\n')[0]}`,
        'Check that the file is a complete Parquet file (export it again if it was cut short).',
      );
    }
    return { format: 'parquet', problems: [], rowNumbers: headerThenRows };
  },
};
