/** Real project folders for tests, created through the engine. */
import { join } from 'node:path';
import { initProject } from '../../src-main/engine/project/index';

export async function makeProject(parent: string, folder: string, name?: string): Promise<string> {
  const dir = join(parent, folder);
  await initProject(dir, { name });
  return dir;
}
