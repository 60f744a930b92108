/** The shape of project.json at the current format version, checked with zod; the plain typed description of a project. */
import { z } from 'zod';
import { SOURCE_FORMAT_IDS } from '../data/import/formats';
import { TaskSpecSchema } from './tasks';
import { TrainSettingsSchema } from './train-settings';

/** 2: `tasks` and `defaults` are typed (version 1 kept them free-form); see migrations.ts. */
export const CURRENT_FORMAT_VERSION = 2;

/** What a table's rows are, guessed at import: materials with properties, per-element data, or anything else. */
export const TableRoleSchema = z.enum(['samples', 'element-properties', 'other']);

/** The format a table was imported from (data/import/formats.ts). */
export const SourceFormatSchema = z.enum(SOURCE_FORMAT_IDS);

/** A list column `y` measured on the list column `x` of the same row (equal lengths row by row). */
export const CurveSchema = z.object({ y: z.string().min(1), x: z.string().min(1) });

/** How a long-format file (one row per curve point) was folded into one row per curve. */
export const LongFormatSchema = z.object({
  /** The columns that together identify one curve. */
  id: z.array(z.string().min(1)).min(1),
  x: z.string().min(1),
  y: z.array(z.string().min(1)).min(1),
  /** Rows (points) in the source file. */
  sourceRows: z.number().int().nonnegative(),
});

export const TableMetaSchema = z.object({
  name: z.string().min(1),
  role: TableRoleSchema,
  format: SourceFormatSchema,
  /** The imported file's name only (never a path: projects move between machines). */
  sourceFile: z.string().min(1),
  sourceSha256: z.string().regex(/^[0-9a-f]{64}$/),
  rowCount: z.number().int().nonnegative(),
  importedAt: z.iso.datetime(),
  formulaColumn: z.string().min(1).nullable(),
  idColumn: z.string().min(1).nullable(),
  curves: z.array(CurveSchema),
  longFormat: LongFormatSchema.nullable(),
});

/** Two tables, or two tasks (case aside), never share a name. */
function uniqueNames(doc: { tables: readonly { name: string }[]; tasks: readonly { name: string }[] }, ctx: z.RefinementCtx): void {
  for (const list of ['tables', 'tasks'] as const) {
    const seen = new Set<string>();
    doc[list].forEach((item, i) => {
      const key = list === 'tasks' ? item.name.toLowerCase() : item.name;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: [list, i, 'name'], message: `duplicate ${list === 'tasks' ? 'task' : 'table'} name "${item.name}"` });
      seen.add(key);
    });
  }
}

/** What `defaults` remembers: the last training settings (absent until a run was started). */
export const ProjectDefaultsSchema = z.strictObject({ training: TrainSettingsSchema.optional() });

export const ProjectFileSchema = z
  .object({
    formatVersion: z.literal(CURRENT_FORMAT_VERSION),
    name: z.string().min(1),
    createdAt: z.iso.datetime(),
    tables: z.array(TableMetaSchema),
    tasks: z.array(TaskSpecSchema),
    defaults: ProjectDefaultsSchema,
  })
  .superRefine(uniqueNames);

export type TableRole = z.infer<typeof TableRoleSchema>;
export type { SourceFormat } from '../data/import/formats';
export type Curve = z.infer<typeof CurveSchema>;
export type LongFormat = z.infer<typeof LongFormatSchema>;
export type TableMeta = z.infer<typeof TableMetaSchema>;
export type ProjectFile = z.infer<typeof ProjectFileSchema>;
export type ProjectDefaults = z.infer<typeof ProjectDefaultsSchema>;
