/** Handlers for opening, creating and describing projects, and the folder picker. */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ProjectSummary } from '../contract';
import { demoProjectDir } from '../demo-project';
import type { Project } from '../../engine/project/index';
import { listRecentProjects } from '../../engine/user/recent-projects';
import type { HandlerMap } from '../router';
import type { Session } from '../session';

async function countEntries(dir: string, pattern?: RegExp): Promise<number> {
  if (!existsSync(dir)) return 0;
  return (await readdir(dir)).filter((n) => !n.startsWith('.') && (!pattern || pattern.test(n))).length;
}

export async function summarise(project: Project, notices: string[] = []): Promise<ProjectSummary> {
  const doc = project.description;
  return {
    dir: project.dir,
    name: project.name,
    createdAt: doc.createdAt,
    tables: doc.tables.map((t) => ({
      name: t.name,
      rowCount: t.rowCount,
      sourceFile: t.sourceFile,
      importedAt: t.importedAt,
      formulaColumn: t.formulaColumn,
      curves: t.curves,
    })),
    taskCount: doc.tasks.length,
    runCount: await countEntries(project.runsDir),
    modelCount: await countEntries(project.modelsDir, /\.crucible$/),
    notices,
    demo: resolve(project.dir) === resolve(demoProjectDir()),
  };
}

type ProjectOps =
  'project:current' | 'project:open' | 'project:create' | 'project:demo' | 'project:close' | 'project:summary' | 'project:recent' | 'files:browse';

export function projectHandlers(session: Session): Pick<HandlerMap, ProjectOps> {
  return {
    'project:current': () => session.project,
    'project:open': async ({ dir }) => summarise(await session.open(dir), session.notices),
    'project:create': async ({ dir, name }) => summarise(await session.create(dir, name)),
    'project:demo': async () => summarise(await session.openDemo()),
    'project:close': () => {
      const closed = session.project.dir !== null;
      session.close();
      return { closed };
    },
    'project:summary': () => summarise(session.requireProject(), session.notices),
    'project:recent': async () => ({ projects: await listRecentProjects() }),
    'files:browse': ({ path, files }) => session.folders.list(path, { files }),
  };
}
