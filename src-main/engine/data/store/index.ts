/** Public surface of the DuckDB store: the project database, identifier quoting and column kinds. */
export { DataStore, INTERNAL_TABLE_PREFIX, type ColumnInfo, type TableInfo } from './data-store';
export { columnKind, type ColumnKind } from './column-kinds';
export { quoteIdentifier, quoteLiteral } from './identifiers';
export { SqlConnection, type SqlRow } from './sql-connection';
