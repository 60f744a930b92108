/** A project's DuckDB database: open/close, transactions, table listings and whole-column reads. */
import { DuckDBInstance } from '@duckdb/node-api';
import type { Column } from '../dataset/columns';
import { suggestionHint } from '../../util/suggest';
import { CrucibleError } from '../../errors';
import { columnKind, type ColumnKind } from './column-kinds';
import { quoteIdentifier, quoteLiteral } from './identifiers';
import { readColumn } from './read-column';
import { SqlConnection } from './sql-connection';

/** Tables and columns whose names start with this are Crucible's own (import staging, material keys) and are never listed. */
export const INTERNAL_TABLE_PREFIX = '__crucible_';

/** How long opening waits for another process to let go of the database file. */
const LOCK_WAIT_MS = 30_000;
const LOCK_CONFLICT = /Could not set lock on file/;

export interface ColumnInfo {
  name: string;
  /** DuckDB's type, e.g. DOUBLE, BIGINT, VARCHAR, DOUBLE[]. */
  type: string;
  kind: ColumnKind;
}

export interface TableInfo {
  name: string;
  rowCount: number;
  columns: ColumnInfo[];
}

/** `attempt()`, retried with back-off while DuckDB reports another process's lock on `path`, for at most `waitMs`. */
async function waitOutLock<T>(path: string, waitMs: number | undefined, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + (waitMs ?? LOCK_WAIT_MS);
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await attempt();
    } catch (e) {
      const message = (e as Error).message;
      if (LOCK_CONFLICT.test(message) && Date.now() + delay < deadline) {
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      throw new CrucibleError('bad-input', `Cannot open the database ${path}: ${message.split('\n')[0]}`, {
        hint: 'Close other programs (or other Crucible windows) using this project, and check that the file is a DuckDB database.',
        cause: e,
      });
    }
  }
}

export class DataStore {
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The store's own connection for reads outside transactions. */
    readonly sql: SqlConnection,
    /** The database file, or ':memory:'. */
    readonly path: string,
  ) {}

  /**
   * Opens (creating if needed) the DuckDB database at `path`. Open each file once per process. DuckDB lets
   * one process at a time hold a file, and Crucible holds it only for one operation: a conflicting lock (the
   * command line importing beside an open window, two windows starting runs) is waited out for a while.
   */
  static async open(path: string, opts: { lockWaitMs?: number } = {}): Promise<DataStore> {
    const instance = await waitOutLock(path, opts.lockWaitMs, () => DuckDBInstance.create(path));
    return new DataStore(instance, new SqlConnection(await instance.connect()), path);
  }

  /**
   * Attaches the database file at `path` read-only as catalog `alias` (a run joining project tables with files
   * read into memory), waiting out another process's lock as `open` does. Do not hold the file open meanwhile.
   */
  async attachReadOnly(path: string, alias: string): Promise<void> {
    await waitOutLock(path, undefined, () => this.sql.run(`ATTACH ${quoteLiteral(path)} AS ${quoteIdentifier(alias)} (READ_ONLY)`));
  }

  /** A throw-away database in memory (file previews). */
  static inMemory(): Promise<DataStore> {
    return DataStore.open(':memory:');
  }

  /**
   * Runs `fn` on a fresh connection inside one transaction: committed when `fn` resolves, rolled back
   * (leaving every table as it was) when it throws.
   */
  async transaction<T>(fn: (sql: SqlConnection) => Promise<T>): Promise<T> {
    const sql = new SqlConnection(await this.instance.connect());
    try {
      await sql.run('BEGIN TRANSACTION');
      let result: T;
      try {
        result = await fn(sql);
      } catch (e) {
        // After a failed statement DuckDB may have aborted the transaction already; the first error is the one to report.
        await sql.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
      await sql.run('COMMIT');
      return result;
    } finally {
      sql.close();
    }
  }

  /** The user's tables (not Crucible's scratch tables), by name, with row counts and column types. */
  listTables(): Promise<TableInfo[]> {
    return this.describeTables();
  }

  /** One table's description; a missing name throws not-found suggesting the nearest table. */
  async table(name: string): Promise<TableInfo> {
    const [found] = await this.describeTables(name);
    if (!found) {
      const names = (await this.describeTables()).map((t) => t.name);
      throw new CrucibleError('not-found', `There is no table "${name}" in ${this.path}.`, { hint: suggestionHint(name, names, 'table') });
    }
    return found;
  }

  /** All user tables, or only the one named `only`. */
  private async describeTables(only?: string): Promise<TableInfo[]> {
    const columns = await this.sql.rows<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND NOT starts_with(table_name, ${quoteLiteral(INTERNAL_TABLE_PREFIX)}) AND NOT starts_with(column_name, ${quoteLiteral(INTERNAL_TABLE_PREFIX)})
       ${only === undefined ? '' : `AND table_name = ${quoteLiteral(only)}`}
       ORDER BY table_name, column_index`,
    );
    const byTable = new Map<string, ColumnInfo[]>();
    for (const c of columns) {
      const list = byTable.get(c.table_name) ?? [];
      list.push({ name: c.column_name, type: c.data_type, kind: columnKind(c.data_type) });
      byTable.set(c.table_name, list);
    }
    if (byTable.size === 0) return [];
    const counts = await this.sql.rows<{ name: string; n: number }>(
      [...byTable.keys()].map((t) => `SELECT ${quoteLiteral(t)} AS name, count(*) AS n FROM ${quoteIdentifier(t)}`).join(' UNION ALL '),
    );
    const rowCount = new Map(counts.map((c) => [c.name, c.n]));
    return [...byTable].map(([name, cols]) => ({ name, rowCount: rowCount.get(name) ?? 0, columns: cols }));
  }

  /** A whole column in table order (see `readColumn`); a missing column throws not-found with a suggestion. */
  async readColumn(table: string, column: string): Promise<Column> {
    const info = await this.table(table);
    const col = info.columns.find((c) => c.name === column);
    if (!col) {
      throw new CrucibleError('not-found', `Table "${table}" has no column "${column}".`, {
        hint: suggestionHint(column, info.columns.map((c) => c.name), 'column'),
      });
    }
    return readColumn(this.sql, table, column, col.kind);
  }

  /** Closes the connection and the database (flushing it to disk). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sql.close();
    this.instance.closeSync();
  }
}
