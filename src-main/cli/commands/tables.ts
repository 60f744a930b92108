/** `crucible tables DIR`: the project's tables with row counts and column types, as aligned text. */
import type { Command } from 'commander';
import type { TableInfo } from '../../engine/data/store';
import { openProject, type TableMeta } from '../../engine/project';
import { reconcileTables } from '../../engine/project/table-catalog';

/** Columns listed per table before the rest are summarised by type. */
const MAX_COLUMNS_SHOWN = 12;

export function registerTables(program: Command): void {
  program
    .command('tables')
    .description('list the tables of a project with row counts and column types')
    .argument('<dir>', 'project folder')
    .action(async (dir: string) => {
      const project = await openProject(dir);
      const store = await project.openStore();
      try {
        for (const message of (await reconcileTables(project, store)).messages) process.stderr.write(`crucible: ${message}\n`);
        const tables = await store.listTables();
        process.stdout.write(tables.length === 0 ? 'No tables yet: add one with `crucible import`.\n' : formatTables(tables, project.tables));
      } finally {
        await store.close();
      }
    });
}

/** One block per table: a title line, then the columns with their types aligned. */
function formatTables(tables: readonly TableInfo[], metas: readonly TableMeta[]): string {
  return tables
    .map((t) => {
      const meta = metas.find((m) => m.name === t.name);
      const about = [
        `${t.rowCount.toLocaleString('en-US')} rows`,
        meta && `from ${meta.sourceFile}`,
        meta && meta.role !== 'other' && meta.role,
        meta?.formulaColumn && `formula column: ${meta.formulaColumn}`,
        meta && meta.curves.length > 0 && `curves: ${meta.curves.map((c) => `${c.y} on ${c.x}`).join(', ')}`,
      ].filter(Boolean);
      const shown = t.columns.slice(0, MAX_COLUMNS_SHOWN);
      const width = Math.max(...shown.map((c) => c.name.length));
      const lines = shown.map((c) => `  ${c.name.padEnd(width)}  ${c.type}`);
      const rest = t.columns.slice(MAX_COLUMNS_SHOWN);
      if (rest.length > 0) {
        const byType = new Map<string, number>();
        for (const c of rest) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
        lines.push(`  … ${rest.length} more: ${[...byType].map(([type, n]) => `${n} ${type}`).join(', ')}`);
      }
      return `${t.name}  (${about.join(', ')})\n${lines.join('\n')}\n`;
    })
    .join('\n');
}
