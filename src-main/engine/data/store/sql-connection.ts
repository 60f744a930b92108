/**
 * A thin promise wrapper over one DuckDB connection that returns plain JS rows (integers as numbers) and runs
 * its statements one at a time: a DuckDB connection holds a single active query, so calls made concurrently
 * (say, reading many columns with Promise.all) are queued rather than sent together.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

export type SqlRow = Record<string, unknown>;

export class SqlConnection {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly connection: DuckDBConnection) {}

  async run(sql: string): Promise<void> {
    await this.serially(() => this.connection.run(sql));
  }

  /** All result rows as objects keyed by column name. */
  async rows<T = SqlRow>(sql: string): Promise<T[]> {
    const reader = await this.serially(() => this.connection.runAndReadAll(sql));
    return reader.getRowObjectsJS().map((row) => plain(row) as T);
  }

  /** The result as one array per column, in column order, with the column names. */
  async columns(sql: string): Promise<{ names: string[]; values: unknown[][] }> {
    const reader = await this.serially(() => this.connection.runAndReadAll(sql));
    return { names: reader.columnNames(), values: reader.getColumnsJS().map((c) => c.map(plain)) };
  }

  /** The first column of the first row (undefined for an empty result). */
  async value<T = unknown>(sql: string): Promise<T> {
    const reader = await this.serially(() => this.connection.runAndReadAll(sql));
    const rows = reader.getRowsJS();
    return (rows.length > 0 ? plain(rows[0][0]) : undefined) as T;
  }

  /** DuckDB's row appender for `table` (fast bulk inserts); the caller closes it before running other statements. */
  appender(table: string): Promise<DuckDBAppender> {
    return this.serially(() => this.connection.createAppender(table));
  }

  close(): void {
    this.connection.closeSync();
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** Converts DuckDB's JS values for JSON-like use: bigint → number (counts and row ids fit), recursively in lists. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
