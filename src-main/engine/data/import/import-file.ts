/**
 * `crucible import`: loads a file into a new table of a project, all or nothing. Everything happens inside one
 * DuckDB transaction, which also stores the table's description with it; project.json lists the table only
 * after that commit (see table-catalog.ts). A failure before the commit leaves the project exactly as before;
 * a stop between commit and listing is repaired when the project is next opened.
 */
import { basename } from 'node:path';
import { CrucibleError } from '../../errors';
import type { Project } from '../../project/project';
import type { TableMeta } from '../../project/schema';
import { listTable, reconcileTables, recordTableMeta } from '../../project/table-catalog';
import { crashPoint } from '../../util/crash-point';
import { sha256FileInWorker } from './hash-in-worker';
import { existingFile, writeTable } from './import-into-store';
import { importerFor } from './registry';
import { checkTableName, defaultTableName } from './table-name';
import type { ImportOptions, ImportResult } from './types';

export async function importFile(project: Project, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const path = existingFile(file, 'Check the path of the file to import.');
  importerFor(path);
  const name = opts.table ?? defaultTableName(path);
  checkTableName(name);
  const sameName = (t: { name: string }) => t.name.toLowerCase() === name.toLowerCase();

  let hashing: Promise<string> | undefined;
  const store = await project.openStore();
  try {
    // An import interrupted earlier may have left its table unlisted: list it first, so it is not silently replaced.
    await reconcileTables(project, store);
    const existing = (await store.listTables()).find(sameName);
    if ((existing || project.tables.some(sameName)) && !opts.replace) {
      throw new CrucibleError('already-exists', `The project already has a table "${existing?.name ?? name}".`, {
        hint: 'Choose another name with --table, or pass --replace to overwrite it.',
      });
    }
    let meta: TableMeta;
    const prepared = await store.transaction(async (sql) => {
      const p = await writeTable(sql, path, name, opts, {
        replaces: existing?.name,
        onStaged: () => {
          hashing = sha256FileInWorker(path);
          hashing.catch(() => undefined); // awaited below; this only keeps a failure during the checks from going unhandled
        },
      });
      meta = {
        name,
        role: p.role,
        format: p.format,
        sourceFile: basename(path),
        sourceSha256: await hashing!,
        rowCount: p.rowCount,
        importedAt: new Date().toISOString(),
        formulaColumn: p.formulaColumn,
        idColumn: p.idColumn,
        curves: p.curves,
        longFormat: p.longFormat,
      };
      await recordTableMeta(sql, meta);
      return p;
    });
    crashPoint('import:committed');
    await listTable(project, meta!);
    return {
      table: project.table(name)!,
      columns: (await store.table(name)).columns,
      problems: prepared.problems.filter((p) => p.severity !== 'error'),
    };
  } finally {
    await store.close();
  }
}
