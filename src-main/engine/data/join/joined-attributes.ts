/**
 * A joined run's attribute tables, all read where one DuckDB query can join them: files are imported into the
 * run's in-memory database, and the project's database is attached beside it read-only.
 */
import { basename } from 'node:path';
import type { ResolvedJoin, ResolvedTask } from '../../config/types';
import { CrucibleError } from '../../errors';
import type { Project } from '../../project/project';
import type { DataProvenance } from '../../train/provenance';
import { sha256File } from '../../util/hash';
import { importIntoStore } from '../import/import-into-store';
import { INTERNAL_TABLE_PREFIX, type DataStore } from '../store/data-store';
import { quoteLiteral } from '../store/identifiers';
import { buildMaterialUnion, type JoinSource, type MaterialUnion } from './material-union';

const PROJECT_CATALOG = 'project';

export interface JoinedAttributes {
  union: MaterialUnion;
  provenance: DataProvenance[];
}

async function visibleColumns(scratch: DataStore, database: string, table: string): Promise<string[]> {
  const rows = await scratch.sql.rows<{ column_name: string }>(
    `SELECT column_name FROM duckdb_columns() WHERE database_name = ${quoteLiteral(database)} AND schema_name = 'main' AND table_name = ${quoteLiteral(table)}
       AND NOT starts_with(column_name, ${quoteLiteral(INTERNAL_TABLE_PREFIX)}) ORDER BY column_index`,
  );
  return rows.map((r) => r.column_name);
}

/** Builds the union of `join`'s tables inside `scratch` (the run's in-memory database) for the columns `tasks` read. */
export async function joinAttributes(
  join: ResolvedJoin,
  tasks: readonly ResolvedTask[],
  splitColumn: string | null,
  scratch: DataStore,
  project?: Project,
): Promise<JoinedAttributes> {
  const catalog = (await scratch.sql.value<string>('SELECT current_database()')) as string;
  let attached = false;
  const sources: JoinSource[] = [];
  const provenance: DataProvenance[] = [];
  for (const [i, s] of join.sources.entries()) {
    if (s.kind === 'table') {
      if (!project) throw new CrucibleError('bad-config', `The attributes come from table "${s.table}", which needs a project.`, { hint: 'Pass --project DIR.' });
      const meta = project.table(s.table);
      if (!meta) throw new CrucibleError('not-found', `Project "${project.name}" has no table "${s.table}".`, { hint: `Tables: ${project.tables.map((t) => t.name).join(', ') || 'none yet'}.` });
      if (!attached) await scratch.attachReadOnly(project.dataPath, PROJECT_CATALOG);
      attached = true;
      sources.push({ name: s.name, label: `table ${s.table}`, database: PROJECT_CATALOG, table: s.table, formulaColumn: s.formulaColumn, idColumn: s.idColumn, columns: await visibleColumns(scratch, PROJECT_CATALOG, s.table) });
      provenance.push({ source: `table:${s.table}`, sha256: meta.sourceSha256, rows: meta.rowCount });
    } else {
      const table = `attributes_${i + 1}`;
      const prepared = await importIntoStore(scratch, s.path, table, { ...(s.formulaColumn !== null && { formulaColumn: s.formulaColumn }), ...(s.idColumn !== null && { idColumn: s.idColumn }) });
      sources.push({ name: s.name, label: basename(s.path), database: catalog, table, formulaColumn: s.formulaColumn, idColumn: s.idColumn, columns: await visibleColumns(scratch, catalog, table) });
      provenance.push({ source: s.path, sha256: await sha256File(s.path), rows: prepared.rowCount });
    }
  }
  for (const s of sources) {
    for (const [what, column] of [['formula', s.formulaColumn], ['id', join.on === 'id' ? s.idColumn : null]] as const) {
      if (column !== null && !s.columns.includes(column)) {
        throw new CrucibleError('bad-config', `${s.label} has no ${what} column "${column}".`, { hint: `Name its ${what} column with ${what}_column on that source. Columns: ${s.columns.join(', ')}.` });
      }
    }
  }
  const union = await buildMaterialUnion(scratch.sql, {
    sources,
    on: join.on,
    duplicates: join.duplicates,
    columns: tasks.map((t) => ({ ref: t.column, kind: t.kind, ...(t.stepsColumn && { steps: t.stepsColumn }) })),
    splitColumn,
  });
  return { union, provenance };
}
