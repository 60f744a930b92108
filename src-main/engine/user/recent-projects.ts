/** The recently opened projects list (most recent first), kept in the user's config folder. */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write';
import { userConfigDir } from './user-dirs';

const MAX_RECENT = 12;
const RecentSchema = z.object({ projects: z.array(z.object({ dir: z.string(), name: z.string(), openedAt: z.string() })) });
export type RecentProject = z.infer<typeof RecentSchema>['projects'][number];

function recentFile(): string {
  return join(userConfigDir(), 'recent-projects.json');
}

/** Recent projects whose folders still exist; an unreadable list is treated as empty, never as an error. */
export async function listRecentProjects(): Promise<RecentProject[]> {
  try {
    const parsed = RecentSchema.parse(JSON.parse(await readFile(recentFile(), 'utf8')));
    return parsed.projects.filter((p) => existsSync(p.dir));
  } catch {
    return [];
  }
}

export async function rememberProject(dir: string, name: string): Promise<void> {
  const rest = (await listRecentProjects()).filter((p) => p.dir !== dir);
  const projects = [{ dir, name, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT);
  await mkdir(userConfigDir(), { recursive: true });
  await writeFileAtomic(recentFile(), JSON.stringify({ projects }, null, 2));
}
