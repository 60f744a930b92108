/**
 * Upgrades older project.json documents to the current format version, one explicit step per version, each
 * validated before and after. Adding version N+1 = one step function + one entry in MIGRATIONS.
 */
import type { z } from 'zod';
import { CrucibleError } from '../errors';
import { CURRENT_FORMAT_VERSION, ProjectFileSchema, type ProjectFile } from './schema';
import { describeIssues } from '../util/zod-issues';

/** Rewrites a document of version `from` (checked against `accepts`) into one of version `from + 1`. */
export interface MigrationStep {
  from: number;
  accepts: z.ZodType;
  upgrade(doc: unknown): unknown;
}

/** The upgrade steps, by source version. Empty while version 1 is the only format. */
export const MIGRATIONS: readonly MigrationStep[] = [];

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
    doc = step.upgrade(check(step.accepts, doc, file, version));
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
