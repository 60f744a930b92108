/**
 * Upgrades older project.json documents to the current format version, one explicit step per version, each
 * validated before and after. Adding version N+1 = one step function + one entry in MIGRATIONS.
 */
import { z } from 'zod';
import { CrucibleError } from '../errors';
import { describeIssues } from '../util/zod-issues';
import { CURRENT_FORMAT_VERSION, ProjectFileSchema, TableMetaSchema, type ProjectFile } from './schema';
import { TaskSpecSchema } from './tasks';
import { completeTrainSettings } from './train-settings';

/** Rewrites a document of version `from` (checked against `accepts`) into one of version `from + 1`; `file` names it in messages. */
export interface MigrationStep {
  from: number;
  accepts: z.ZodType;
  upgrade(doc: unknown, file: string): unknown;
}

/** Version 1: `tasks` and `defaults` were free-form, checked only where the Tasks and Train pages read them. */
export const ProjectFileV1Schema = z.object({
  formatVersion: z.literal(1),
  name: z.string().min(1),
  createdAt: z.iso.datetime(),
  tables: z.array(TableMetaSchema),
  tasks: z.array(z.looseObject({})),
  defaults: z.looseObject({}),
});

/**
 * 1 → 2: every task must now be a valid task (version 1 refused an invalid one only on the Tasks page, so one
 * can exist only by hand-editing: it is named, not dropped); the remembered training settings are completed
 * field by field with their defaults, as version 1's reader did each time; other `defaults` keys had no reader.
 */
function upgradeFrom1(raw: unknown, file: string): unknown {
  const doc = raw as z.infer<typeof ProjectFileV1Schema>;
  doc.tasks.forEach((task, i) => {
    const parsed = TaskSpecSchema.safeParse(task);
    if (!parsed.success) {
      throw new CrucibleError('invalid-project', `Task ${i + 1} in ${file} is not valid: ${describeIssues(parsed.error)}.`, {
        location: { file },
        hint: 'Fix or remove that entry of "tasks" in a text editor, then open the project again.',
      });
    }
  });
  const training = doc.defaults.training;
  return { ...doc, formatVersion: 2, defaults: training === undefined ? {} : { training: completeTrainSettings(training) } };
}

/** The upgrade steps, by source version. */
export const MIGRATIONS: readonly MigrationStep[] = [{ from: 1, accepts: ProjectFileV1Schema, upgrade: upgradeFrom1 }];

/** The version a migration run ends at and the schema it must then satisfy. */
export interface MigrationTarget<T> {
  version: number;
  schema: z.ZodType<T>;
}

const CURRENT: MigrationTarget<ProjectFile> = { version: CURRENT_FORMAT_VERSION, schema: ProjectFileSchema };

/**
 * Checks `raw` (parsed JSON) and upgrades it step by step to the target version. `file` names the document
 * in messages. Throws `unsupported-version` for documents newer than the target and `invalid-project`
 * for documents that do not match their version's shape.
 */
export function upgradeProjectFile<T = ProjectFile>(
  raw: unknown,
  file: string,
  steps: readonly MigrationStep[] = MIGRATIONS,
  target: MigrationTarget<T> = CURRENT as unknown as MigrationTarget<T>,
): T {
  let version = formatVersionOf(raw, file);
  if (version > target.version) {
    throw new CrucibleError('unsupported-version', `${file} has format version ${version}, but this Crucible reads format versions up to ${target.version}.`, {
      location: { file },
      hint: 'Open it with a newer Crucible.',
    });
  }
  let doc = raw;
  while (version < target.version) {
    const step = steps.find((s) => s.from === version);
    if (!step) throw new CrucibleError('internal', `No upgrade step from project format version ${version}.`);
    doc = step.upgrade(check(step.accepts, doc, file, version), file);
    const next = formatVersionOf(doc, file);
    if (next !== version + 1) throw new CrucibleError('internal', `The upgrade step from version ${version} produced version ${next}.`);
    version = next;
  }
  return check(target.schema, doc, file, version);
}

function formatVersionOf(doc: unknown, file: string): number {
  const v = typeof doc === 'object' && doc !== null ? (doc as { formatVersion?: unknown }).formatVersion : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new CrucibleError('invalid-project', `${file} has no valid "formatVersion" (a whole number from 1).`, {
      location: { file },
      hint: 'Restore the file from a backup, or create a new project with `crucible init`.',
    });
  }
  return v;
}

function check<T>(schema: z.ZodType<T>, doc: unknown, file: string, version: number): T {
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    throw new CrucibleError('invalid-project', `${file} (format version ${version}) is invalid: ${describeIssues(parsed.error)}.`, {
      location: { file },
      hint: 'Fix the named fields or restore the file from a backup.',
    });
  }
  return parsed.data;
}
