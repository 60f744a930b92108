/** Reads project.json (parse, upgrade, validate) and writes it back atomically. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CrucibleError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { PROJECT_FILE } from './layout';
import { upgradeProjectFile } from './migrations';
import { ProjectFileSchema, type ProjectFile } from './schema';
import { describeIssues } from '../util/zod-issues';

/** The description stored in `dir`/project.json, upgraded to the current format version. */
export async function readProjectFile(dir: string): Promise<ProjectFile> {
  const path = join(dir, PROJECT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CrucibleError('not-a-project', `${dir} is not a Crucible project (it has no ${PROJECT_FILE}).`, {
        hint: `Create one with \`crucible init ${dir}\`, or choose the project folder itself.`,
      });
    }
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CrucibleError('invalid-project', `${path} is not valid JSON (${(e as Error).message}).`, {
      location: { file: path },
      hint: 'Repair the file in a text editor or restore it from a backup.',
    });
  }
  return upgradeProjectFile(raw, path);
}

/** Validates `doc` and replaces `dir`/project.json with it atomically. */
export async function writeProjectFile(dir: string, doc: ProjectFile): Promise<void> {
  const checked = ProjectFileSchema.safeParse(doc);
  if (!checked.success) throw new CrucibleError('internal', `Refusing to write an invalid project description: ${describeIssues(checked.error)}.`);
  await writeFileAtomic(join(dir, PROJECT_FILE), `${JSON.stringify(checked.data, null, 2)}\n`);
}
