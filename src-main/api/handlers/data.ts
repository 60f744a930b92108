/** Handlers for importing files into the open project and looking at its tables. */
import { defaultTableName, importFile, ImportProblemsError, previewFile, previewTable, type ImportOptions } from '../../engine/data/import/index';
import type { Project } from '../../engine/project/index';
import { describeTables } from '../../engine/project-run/index';
import type { ImportChoices, TableInfo } from '../contract';
import { toCellRow } from '../data/cells';
import type { HandlerMap } from '../router';
import type { Session } from '../session';

type DataOps = 'data:preview-file' | 'data:import' | 'data:tables' | 'data:preview-table';

function importOptions(choices: ImportChoices | undefined): ImportOptions {
  const { formulaColumn, idColumn, curves, long, reading } = choices ?? {};
  return { formulaColumn, idColumn, curves: curves?.length ? curves : undefined, long, reading };
}

/** The project's tables as the data page lists them: import facts from project.json, columns from DuckDB. */
export function listTables(session: Session, project: Project = session.requireProject()): Promise<TableInfo[]> {
  return session.withStore((store) => describeTables(project, store));
}

export function dataHandlers(session: Session): Pick<HandlerMap, DataOps> {
  return {
    'data:preview-file': async ({ file, options }) => {
      const path = await session.folders.assertAllowed(file);
      const preview = await previewFile(path, importOptions(options));
      return { ...preview, rows: preview.rows.map(toCellRow), suggestedTable: defaultTableName(path) };
    },
    'data:import': async ({ file, table, options, replace }) => {
      const project = session.requireProject();
      const path = await session.folders.assertAllowed(file);
      try {
        const result = await session.exclusive(() => importFile(project, path, { ...importOptions(options), table, replace }));
        const info = (await listTables(session, project)).find((t) => t.name === result.table.name)!;
        return { imported: true as const, table: info, problems: result.problems };
      } catch (e) {
        if (e instanceof ImportProblemsError) return { imported: false as const, message: e.message, problems: e.problems };
        throw e;
      }
    },
    'data:tables': async () => ({ tables: await listTables(session, session.requireProject()) }),
    'data:preview-table': async ({ table, rows }) => {
      const preview = await session.withStore((store) => previewTable(store, table, { rows }));
      return { ...preview, rows: preview.rows.map(toCellRow) };
    },
  };
}
