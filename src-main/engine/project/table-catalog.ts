/**
 * DuckDB is the record of which tables a project has; project.json mirrors it. Each table carries its own
 * description (the TableMeta project.json lists) as its DuckDB comment, written in the same transaction as
 * its rows, and project.json is only written after that transaction commits. So a process killed between
 * the two leaves a table DuckDB has and project.json lacks, never the reverse — and `reconcileTables`, run
 * when a project is opened, lists it again from its comment and drops entries whose table is gone, saying so.
 */
import type { DataStore } from '../data/store/data-store';
import { quoteIdentifier, quoteLiteral } from '../data/store/identifiers';
import type { SqlConnection } from '../data/store/sql-connection';
import { INTERNAL_TABLE_PREFIX } from '../data/store/data-store';
import { join } from 'node:path';
import { CrucibleError } from '../errors';
import { explainError } from '../util/system-errors';
import { PROJECT_FILE } from './layout';
import type { Project } from './project';
import { TableMetaSchema, type TableMeta } from './schema';

/** Inside the transaction that wrote the table: stores its description with it. */
export async function recordTableMeta(sql: SqlConnection, meta: TableMeta): Promise<void> {
  await sql.run(`COMMENT ON TABLE ${quoteIdentifier(meta.name)} IS ${quoteLiteral(JSON.stringify(meta))}`);
}

/**
 * After the table's transaction committed: lists it in project.json (replacing an entry of the same name). If
 * that write fails, the table is kept — its data is safe and the next opening lists it — and the error says so.
 */
export async function listTable(project: Project, meta: TableMeta): Promise<void> {
  const same = (t: { name: string }) => t.name.toLowerCase() === meta.name.toLowerCase();
  try {
    await project.update((doc) => ({ ...doc, tables: [...doc.tables.filter((t) => !same(t)), meta] }));
  } catch (e) {
    const cause = explainError(e, join(project.dir, PROJECT_FILE));
    throw new CrucibleError('internal', `Table "${meta.name}" was stored, but project.json could not be updated: ${(cause as Error).message}`, {
      hint: 'The table will be listed again when the project is next opened, once the cause is fixed.',
      cause: e,
    });
  }
}

/** What `reconcileTables` changed or could not settle, one sentence each. */
export interface Reconciliation {
  recovered: string[];
  dropped: string[];
  /** Tables in DuckDB with no description (made outside Crucible): left alone, not listed. */
  unlisted: string[];
  messages: string[];
}

function parseMeta(comment: string | null, name: string): TableMeta | null {
  if (!comment) return null;
  try {
    const meta = TableMetaSchema.safeParse(JSON.parse(comment));
    return meta.success && meta.data.name === name ? meta.data : null;
  } catch {
    return null;
  }
}

export async function reconcileTables(project: Project, store: DataStore): Promise<Reconciliation> {
  const rows = await store.sql.rows<{ name: string; comment: string | null }>(
    `SELECT table_name AS name, comment FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name = 'main' AND NOT starts_with(table_name, ${quoteLiteral(INTERNAL_TABLE_PREFIX)})`,
  );
  const inStore = new Map(rows.map((r) => [r.name, parseMeta(r.comment, r.name)]));
  const out: Reconciliation = { recovered: [], dropped: [], unlisted: [], messages: [] };
  await project.refresh();
  const listed = new Set(project.tables.map((t) => t.name));
  for (const [name, meta] of inStore) {
    if (listed.has(name)) continue;
    if (meta) out.recovered.push(name);
    else out.unlisted.push(name);
  }
  out.dropped = project.tables.filter((t) => !inStore.has(t.name)).map((t) => t.name);
  // A table replaced by an import that was cut off before project.json was rewritten: its own description wins.
  const stale = project.tables.filter((t) => {
    const meta = inStore.get(t.name);
    return meta && meta.importedAt !== t.importedAt;
  });
  if (out.recovered.length || out.dropped.length || stale.length) {
    await project.update((doc) => {
      const kept = doc.tables.filter((t) => inStore.has(t.name)).map((t) => inStore.get(t.name) ?? t);
      const have = new Set(kept.map((t) => t.name));
      const recovered = [...inStore.values()].filter((m): m is TableMeta => m !== null && !have.has(m.name));
      return { ...doc, tables: [...kept, ...recovered] };
    });
  }
  for (const name of out.recovered) out.messages.push(`Table "${name}" was stored but not listed (an import was interrupted); it is listed again.`);
  for (const t of stale) out.messages.push(`Table "${t.name}" was replaced by an import that was interrupted; its listing now matches the data.`);
  for (const name of out.dropped) out.messages.push(`Table "${name}" was listed in project.json but its data is gone; it is no longer listed.`);
  for (const name of out.unlisted) out.messages.push(`The database holds a table "${name}" that Crucible did not write; it is left alone.`);
  return out;
}
