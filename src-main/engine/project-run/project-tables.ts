/** The project's tables as tasks are mapped onto them: import facts from project.json, columns and their kinds from DuckDB. */
import type { ColumnInfo, DataStore } from '../data/store/data-store';
import type { Project } from '../project/project';
import type { TableMeta } from '../project/schema';

export type ProjectTable = Pick<TableMeta, 'name' | 'rowCount' | 'sourceFile' | 'importedAt' | 'formulaColumn' | 'idColumn' | 'curves'> & {
  columns: ColumnInfo[];
};

export async function describeTables(project: Project, store: DataStore): Promise<ProjectTable[]> {
  const stored = await store.listTables();
  return project.tables.map((meta) => ({
    name: meta.name,
    rowCount: meta.rowCount,
    sourceFile: meta.sourceFile,
    importedAt: meta.importedAt,
    formulaColumn: meta.formulaColumn,
    idColumn: meta.idColumn,
    curves: meta.curves,
    columns: stored.find((t) => t.name === meta.name)?.columns ?? [],
  }));
}

/** The same, opening the project's database for the call (the CLI; the app queues its opens, see Session.withStore). */
export async function readProjectTables(project: Project): Promise<ProjectTable[]> {
  const store = await project.openStore();
  try {
    return await describeTables(project, store);
  } finally {
    await store.close();
  }
}
