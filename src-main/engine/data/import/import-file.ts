/**
 * `crucible import`: loads a file into a new table of a project, all or nothing. Everything happens inside one
 * DuckDB transaction, and project.json is rewritten (atomically) as its last step: a failure anywhere rolls the
 * database back and restores project.json, so the project is left exactly as before.
 */
import { basename } from 'node:path';
import { CrucibleError } from '../../errors';
import type { Project } from '../../project/project';
import type { TableMeta } from '../../project/schema';
import { sha256FileInWorker } from './hash-in-worker';
import { existingFile, writeTable } from './import-into-store';
import type { PreparedTable } from './prepare-table';
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
    const existing = (await store.listTables()).find(sameName);
    if ((existing || project.tables.some(sameName)) && !opts.replace) {
      throw new CrucibleError('already-exists', `The project already has a table "${existing?.name ?? name}".`, {
        hint: 'Choose another name with --table, or pass --replace to overwrite it.',
      });
    }
    const before = project.description;
    let prepared: PreparedTable;
    try {
      prepared = await store.transaction(async (sql) => {
        const p = await writeTable(sql, path, name, opts, {
          replaces: existing?.name,
          onStaged: () => {
            hashing = sha256FileInWorker(path);
            hashing.catch(() => undefined); // awaited below; this only keeps a failure during the checks from going unhandled
          },
        });
        const meta: TableMeta = {
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
        await project.update((doc) => ({ ...doc, tables: [...doc.tables.filter((t) => !sameName(t)), meta] }));
        return p;
      });
    } catch (e) {
      if (project.description !== before) await project.update(() => structuredClone(before));
      throw e;
    }
    return {
      table: project.table(name)!,
      columns: (await store.table(name)).columns,
      problems: prepared.problems.filter((p) => p.severity !== 'error'),
    };
  } finally {
    await store.close();
  }
}
