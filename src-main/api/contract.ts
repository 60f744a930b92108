/**
 * The one API contract between the UI and the engine: every request (name → args → result) and
 * every pushed event, as zod schemas. Electron IPC, the web mode and the renderer all type-check
 * against it, and every transport validates payloads against it at its boundary.
 *
 * Adding an operation = one entry here + one handler in `handlers/`.
 */
import { z } from 'zod';
import { DECIMAL_MARKS, TEXT_DELIMITERS, type DecimalMark, type TextDelimiter } from '../engine/data/import/formats';
import { CurveSchema, LongFormatSchema, SourceFormatSchema, TableMetaSchema, TableRoleSchema } from '../engine/project/schema';
import { TaskSpecSchema } from '../engine/project/tasks';
import { TrainSettingsSchema } from '../engine/project/train-settings';
import { EpochRecordSchema } from '../engine/run-folder/epoch-record';
import { RUN_STATUSES, RunDetailsSchema, RunPredictionsSchema, RunSummarySchema, RunTaskSchema } from '../engine/run-folder/schemas';
import { ID_PATTERN, ID_RULE, TABLE_NAME_PATTERN, TABLE_NAME_RULE } from '../engine/util/ids';
import { FINE_TUNE_METHODS, TASK_KINDS } from '../engine/vocabulary';

const projectSummary = z.object({
  dir: z.string(),
  name: z.string(),
  createdAt: z.string(),
  tables: z.array(TableMetaSchema.pick({ name: true, rowCount: true, sourceFile: true, importedAt: true, formulaColumn: true, curves: true })),
  taskCount: z.number(),
  runCount: z.number(),
  modelCount: z.number(),
  /** What opening the project repaired, e.g. a table an interrupted import left unlisted. */
  notices: z.array(z.string()),
  /** The demo project Crucible made for trying it out (every page says so). */
  demo: z.boolean(),
});
export type ProjectSummary = z.infer<typeof projectSummary>;

/** Every id that names a file or folder (models, runs) follows one rule; tables are also SQL identifiers. */
const id = z.string().regex(ID_PATTERN, ID_RULE);
const tableName = z.string().regex(TABLE_NAME_PATTERN, TABLE_NAME_RULE);

const folderPath = z.string().min(1).max(4096);
const filePath = z.string().min(1).max(4096);

// ── Data ─────────────────────────────────────────────────────────────────────────────────────────

/** One table cell as the UI shows it: numbers, text, flags, numeric lists (curves), or missing. */
const cell = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.number().nullable())]);
export type Cell = z.infer<typeof cell>;

const columnKind = z.enum(['number', 'text', 'list']);
const column = z.object({ name: z.string(), type: z.string(), kind: columnKind, missing: z.number() });
export type PreviewColumn = z.infer<typeof column>;

/** Where a problem sits in the user's file: rows are 1-based as a spreadsheet shows them (header = row 1). */
const location = z.object({ file: z.string().optional(), row: z.number().optional(), column: z.string().optional() });

/** error: the import is refused; warning: imported, but look at this; notice: what the importer decided for you. */
const problem = z.object({ severity: z.enum(['error', 'warning', 'notice']), message: z.string(), location: location.optional(), hint: z.string().optional() });
export type ImportProblem = z.infer<typeof problem>;

/** The file formats the importers read, for the UI's texts (engine/data/import/formats.ts). */
export { DECIMAL_MARKS, formatNames, predictionsFileFor, TEXT_DELIMITERS, type DecimalMark, type TextDelimiter } from '../engine/data/import/formats';

/** A long-format file: one row per curve point; `id` columns identify a curve, `x` is its axis, `y` its values. */
const longFormat = LongFormatSchema.omit({ sourceRows: true });

/** How a CSV or TSV file is read: the character between fields and the decimal mark. */
const textReading = z.object({
  delimiter: z.enum(Object.keys(TEXT_DELIMITERS) as [TextDelimiter, ...TextDelimiter[]]),
  decimalMark: z.enum(Object.keys(DECIMAL_MARKS) as [DecimalMark, ...DecimalMark[]]),
});
export type TextReading = z.infer<typeof textReading>;

/** How a file is read: the same choices `crucible import` offers. */
const importOptions = z
  .object({
    formulaColumn: z.string().min(1).optional(),
    idColumn: z.string().min(1).optional(),
    curves: z.array(CurveSchema).optional(),
    long: longFormat.optional(),
    reading: textReading.partial().strict().optional(),
  })
  .strict();
export type ImportChoices = z.infer<typeof importOptions>;

const tablePreview = z.object({ name: z.string(), rowCount: z.number(), columns: z.array(column), rows: z.array(z.record(z.string(), cell)) });
export type TablePreview = z.infer<typeof tablePreview>;

const filePreview = tablePreview.extend({
  format: SourceFormatSchema.nullable(),
  problems: z.array(problem),
  formulaColumn: z.string().nullable(),
  role: TableRoleSchema.nullable(),
  /** How a CSV or TSV file was read (null for other formats): the preview shows it, and the user may change it. */
  reading: textReading.nullable(),
  /** The table name an import would use by default. */
  suggestedTable: z.string(),
});
export type FilePreview = z.infer<typeof filePreview>;

/** A table as project.json describes it (engine/project/schema.ts), with its columns. */
const tableInfo = TableMetaSchema.pick({
  name: true,
  rowCount: true,
  sourceFile: true,
  importedAt: true,
  formulaColumn: true,
  idColumn: true,
  curves: true,
}).extend({
  columns: z.array(z.object({ name: z.string(), type: z.string(), kind: columnKind })),
});
export type TableInfo = z.infer<typeof tableInfo>;

// ── Tasks ────────────────────────────────────────────────────────────────────────────────────────

export { DEFAULT_HEAD, DOMAIN_COLUMNS, TASK_KINDS, UNCERTAINTY_PARTS, type TaskKind } from '../engine/vocabulary';
/** One task of the project, as project.json keeps it (engine/project/tasks.ts). */
export { TaskSpecSchema, type TaskSpec } from '../engine/project/tasks';
/** The unit a column's name proposes (which the Tasks page offers for the user to confirm), and the decimals a test error allows. */
export { SIGNIFICANT_DIGITS, shownDecimals, unitFromColumn } from '../engine/util/quantities';

/** A head option as a form field, derived from the head's zod schema. */
const optionField = z.object({
  key: z.string(),
  kind: z.enum(['integer', 'number', 'boolean', 'choice', 'integer-list', 'text']),
  default: z.unknown(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  choices: z.array(z.string()).nullable(),
});
export type OptionField = z.infer<typeof optionField>;

const catalog = z.object({
  heads: z.array(z.object({ id: z.string(), kind: z.enum(TASK_KINDS), label: z.string(), fields: z.array(optionField) })),
  weightings: z.array(z.object({ id: z.string(), label: z.string() })),
  featurizers: z.array(z.object({ id: z.string(), label: z.string() })),
  backends: z.array(z.string()),
});
export type Catalog = z.infer<typeof catalog>;

/** A task's problem, attached to the field that causes it (`field` null = the task as a whole). */
const taskProblem = z.object({ task: z.number(), field: z.string().nullable(), message: z.string() });
export type TaskProblem = z.infer<typeof taskProblem>;

/** Materials labelled for both of each pair of tasks (the diagonal: for the task), over the union of their tables. */
const taskOverlap = z.object({ tasks: z.array(z.string()), shared: z.array(z.array(z.number().int())), materials: z.number().int() });
const splitCounts = z.object({ train: z.number(), val: z.number(), test: z.number() });
export type SplitCounts = z.infer<typeof splitCounts>;

// ── Training ─────────────────────────────────────────────────────────────────────────────────────

/** What the Train page sets (engine/project/train-settings.ts); the tasks come from the project. */
export { TrainSettingsSchema, type TrainSettings } from '../engine/project/train-settings';

/** Batch and epoch progress; an epoch's event carries that epoch's record. */
const progress = z.object({
  type: z.enum(['batch', 'epoch']),
  epoch: z.number(),
  epochs: z.number(),
  batch: z.number(),
  batches: z.number(),
  samplesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  record: EpochRecordSchema.optional(),
  /** In an ensemble: which member trains (from 1); its epochs count from 1 again. */
  member: z.object({ index: z.number().int(), of: z.number().int() }).optional(),
});
export type TrainingProgress = z.infer<typeof progress>;

/** What a run folder holds and its readers return (engine/run-folder/schemas.ts, epoch-record.ts). */
export {
  RUN_STATUSES,
  type MetricsReport,
  type RunDetails,
  type RunPredictions,
  type RunStatus,
  type RunSummary,
  type RunTask,
} from '../engine/run-folder/schemas';
export { EpochRecordSchema, type EpochRecord } from '../engine/run-folder/epoch-record';
/** Figures of a run's test predictions that the Evaluate page and the HTML report share. */
export { confusionMatrix, curveError, paddedRange, rocCurve, type Confusion } from '../engine/run-folder/prediction-stats';

// ── Models and prediction ────────────────────────────────────────────────────────────────────────

const modelId = id;
const metricValues = z.record(z.string(), z.number());
const modelInfo = z.object({
  id: z.string(),
  bytes: z.number(),
  /** Null when the file cannot be read any more; `problem` says why. */
  name: z.string().nullable(),
  createdAt: z.string().nullable(),
  run: z.string().nullable(),
  epoch: z.number().nullable(),
  tasks: z.array(z.object({ name: z.string(), kind: z.string(), unit: z.string().nullable() })),
  /** Test metrics per task, as the run measured them. */
  test: z.record(z.string(), metricValues),
  featurizer: z.string().nullable(),
  problem: z.string().nullable(),
});
export type ModelInfo = z.infer<typeof modelInfo>;

const predictSummary = z.object({
  model: z.string(),
  rows: z.number(),
  rowsWithoutPredictions: z.number(),
  failures: z.array(z.object({ row: z.number(), column: z.string().nullable(), reason: z.string(), task: z.string().optional() })),
  failureCount: z.number(),
  /** Predicted rows outside the training domain for some task (`<task>_in_domain` false); null when the model carries no domain. */
  rowsOutsideDomain: z.number().nullable(),
  output: z.string().nullable(),
  table: z.string().nullable(),
  notes: z.array(z.string()),
  seconds: z.number(),
});

const runId = id;

/** Where a fine-tuning run starts: a run of this project, or a model bundle kept in it. */
const fineTuneSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run'), runId }).strict(),
  z.object({ kind: z.literal('model'), id: modelId }).strict(),
]);
export type FineTuneSource = z.infer<typeof fineTuneSource>;

const fineTune = z
  .object({
    from: fineTuneSource,
    method: z.enum(FINE_TUNE_METHODS),
    loraRank: z.number().int().min(1).max(256),
    loraAlpha: z.number().gt(0).max(1024),
    /** The project tasks this run trains (from any of its tables); the source's other heads are kept, frozen. */
    tasks: z.array(z.string().min(1)).min(1),
  })
  .strict();
export type FineTune = z.infer<typeof fineTune>;

/** Names follow `domain:verb`. */
export const requests = {
  'app:info': {
    args: z.object({}).strict(),
    result: z.object({
      name: z.literal('Crucible'),
      version: z.string(),
      mode: z.enum(['electron', 'web']),
      platform: z.string(),
      node: z.string(),
    }),
  },
  'project:current': {
    args: z.object({}).strict(),
    result: z.object({ dir: z.string().nullable(), name: z.string().nullable() }),
  },
  'project:open': { args: z.object({ dir: folderPath }).strict(), result: projectSummary },
  'project:create': { args: z.object({ dir: folderPath, name: z.string().trim().min(1).max(200).optional() }).strict(), result: projectSummary },
  'project:close': { args: z.object({}).strict(), result: z.object({ closed: z.boolean() }) },
  'project:summary': { args: z.object({}).strict(), result: projectSummary },
  'project:recent': {
    args: z.object({}).strict(),
    result: z.object({ projects: z.array(z.object({ dir: z.string(), name: z.string(), openedAt: z.string() })) }),
  },
  /** Creates the demo project in the user's folder on first use, and opens it. */
  'project:demo': { args: z.object({}).strict(), result: projectSummary },
  /** The web mode's folder picker: lists folders (and data files) inside the allowed roots only. */
  'files:browse': {
    args: z.object({ path: folderPath.optional(), files: z.boolean().optional() }).strict(),
    result: z.object({
      path: z.string(),
      parent: z.string().nullable(),
      entries: z.array(z.object({ name: z.string(), path: z.string(), kind: z.enum(['folder', 'project', 'file']) })),
      roots: z.array(z.string()),
    }),
  },
  'data:preview-file': { args: z.object({ file: filePath, options: importOptions.optional() }).strict(), result: filePreview },
  /** Imports a file as a table, all or nothing; a refused file comes back with its problems (not as an error) to show beside its rows. */
  'data:import': {
    args: z.object({ file: filePath, table: tableName, options: importOptions.optional(), replace: z.boolean().optional() }).strict(),
    result: z.discriminatedUnion('imported', [
      z.object({ imported: z.literal(true), table: tableInfo, problems: z.array(problem) }),
      z.object({ imported: z.literal(false), message: z.string(), problems: z.array(problem) }),
    ]),
  },
  'data:tables': { args: z.object({}).strict(), result: z.object({ tables: z.array(tableInfo) }) },
  'data:preview-table': { args: z.object({ table: tableName, rows: z.number().int().min(1).max(500).optional() }).strict(), result: tablePreview },

  /** Heads (with their option fields), loss weightings, featurizers and backends the engine offers. */
  'tasks:catalog': { args: z.object({}).strict(), result: catalog },
  'tasks:get': { args: z.object({}).strict(), result: z.object({ tasks: z.array(TaskSpecSchema) }) },
  /** Validates and saves the project's tasks; refuses (bad-input) while any task has a problem. */
  'tasks:save': { args: z.object({ tasks: z.array(z.unknown()) }).strict(), result: z.object({ tasks: z.array(TaskSpecSchema) }) },
  /**
   * Problems of a draft task list (as the user types), and, for the valid tasks, labelled rows per split and the
   * materials each pair of tasks shares (tasks of several tables joined by material).
   */
  'tasks:check': {
    args: z.object({ tasks: z.array(z.unknown()), counts: z.boolean().optional() }).strict(),
    result: z.object({
      problems: z.array(taskProblem),
      counts: z.record(z.string(), splitCounts).nullable(),
      overlap: taskOverlap.nullable(),
      /** The lower bound a run would give each regression or curve task (null: none). */
      lowerBounds: z.record(z.string(), z.number().nullable()).nullable(),
      countsError: z.string().nullable(),
    }),
  },

  /** The Train page's last settings (or defaults). */
  'training:settings': { args: z.object({}).strict(), result: TrainSettingsSchema },
  /** Starts a run of the project's enabled tasks in a worker thread; progress arrives as training:* events. */
  'training:start': { args: z.object({ settings: TrainSettingsSchema, fineTune: fineTune.optional() }).strict(), result: z.object({ runId }) },
  /** What a fine-tuning source holds: its tasks (heads), encoder widths and featurizer. */
  'finetune:source': {
    args: z.object({ from: fineTuneSource }).strict(),
    result: z.object({ label: z.string(), tasks: z.array(RunTaskSchema), sharedDims: z.array(z.number()), featurizer: z.string().nullable() }),
  },
  'training:cancel': { args: z.object({ runId }).strict(), result: z.object({ cancelling: z.boolean() }) },
  /** The run in progress, if any, with its epochs so far (for a page that opens mid-run). */
  'training:active': {
    args: z.object({}).strict(),
    result: z.object({
      run: z.object({ runId, history: z.array(EpochRecordSchema), progress: progress.nullable(), tasks: z.array(RunTaskSchema) }).nullable(),
    }),
  },

  'runs:list': { args: z.object({}).strict(), result: z.object({ runs: z.array(RunSummarySchema) }) },
  'runs:get': {
    args: z.object({ runId }).strict(),
    result: RunDetailsSchema,
  },
  'runs:predictions': { args: z.object({ runId }).strict(), result: RunPredictionsSchema },
  /** The run as one self-contained HTML page (metrics, plots as SVG, provenance), to save or send; `fileName` suggests a name. */
  'runs:report': { args: z.object({ runId }).strict(), result: z.object({ html: z.string(), fileName: z.string() }) },

  /** Task × task affinity of a run recorded with affinity on (Fifty et al. lookahead and gradient cosine); null when not recorded. */
  'runs:affinity': {
    args: z.object({ runId }).strict(),
    result: z
      .object({
        tasks: z.array(z.string()),
        lookahead: z.array(z.array(z.number().nullable())),
        cosine: z.array(z.array(z.number().nullable())),
        steps: z.array(z.array(z.number())),
      })
      .nullable(),
  },
  /** One task's data map (STG-MTL): per labelled row, variability across epochs and mean confidence. */
  'runs:data-map': {
    args: z.object({ runId, task: z.string().min(1).max(200) }).strict(),
    result: z.object({ task: z.string(), ids: z.array(z.string()), confidence: z.array(z.number()), variability: z.array(z.number()) }),
  },
  /** A `crucible compare` study folder: per task the single-task metric and each strategy's, with negative transfer flagged. */
  'analysis:compare': {
    args: z.object({ dir: folderPath }).strict(),
    result: z
      .object({
        strategies: z.array(z.string()),
        seeds: z.array(z.number()),
        tasks: z.array(
          z
            .object({
              task: z.string(),
              metric: z.string(),
              higherIsBetter: z.boolean(),
              stl: z.object({ mean: z.number().nullable(), std: z.number().nullable() }).loose(),
              strategies: z.record(
                z.string(),
                z.object({ mean: z.number().nullable(), std: z.number().nullable(), gainPct: z.number().nullable(), negativeTransfer: z.boolean() }).loose(),
              ),
            })
            .loose(),
        ),
      })
      .loose(),
  },
  /** A `crucible group` folder: fuzzy task memberships (task × group) and the groups. */
  'analysis:grouping': {
    args: z.object({ dir: folderPath }).strict(),
    result: z
      .object({ tasks: z.array(z.string()), k: z.number(), m: z.number(), memberships: z.array(z.array(z.number())), groups: z.array(z.array(z.string())) })
      .loose(),
  },

  'models:list': { args: z.object({}).strict(), result: z.object({ models: z.array(modelInfo) }) },
  /** Exports a run as a bundle into the project's models; returns it with its model card (Markdown). */
  'models:export': {
    args: z.object({ runId, id: modelId, checkpoint: z.enum(['best', 'last']).optional(), replace: z.boolean().optional() }).strict(),
    result: z.object({ model: modelInfo, card: z.string(), notices: z.array(z.string()) }),
  },
  'models:card': { args: z.object({ id: modelId }).strict(), result: z.object({ card: z.string() }) },
  /** Checks a colleague's bundle completely, then copies it into the project's models. */
  'models:import': {
    args: z.object({ file: filePath, id: modelId.optional(), replace: z.boolean().optional() }).strict(),
    result: z.object({ model: modelInfo }),
  },
  'models:delete': { args: z.object({ id: modelId }).strict(), result: z.object({ deleted: z.boolean() }) },
  /**
   * Predicts every row of a file with a project model; kept as a project table (every input column, then the
   * predictions), and written to `output` when given (the page proposes `predictionsFileFor(file)`). An existing
   * output file is refused with already-exists unless `replace`.
   */
  'predict:run': {
    args: z
      .object({
        model: modelId,
        file: filePath,
        table: tableName.optional(),
        output: z
          .object({
            folder: folderPath,
            name: z
              .string()
              .min(1)
              .max(200)
              .regex(/^[^/\\]+\.(csv|parquet)$/i, 'a file name ending .csv or .parquet'),
          })
          .strict()
          .optional(),
        replace: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ summary: predictSummary, preview: tablePreview, curves: z.array(CurveSchema) }),
  },
} as const;

export const events = {
  /** Sent when the open project changes (opened, created, closed). */
  'project:changed': z.object({ dir: z.string().nullable(), name: z.string().nullable() }),
  /** A run started: its tasks, so charts can be laid out before the first epoch. */
  'training:started': z.object({ runId, tasks: z.array(RunTaskSchema) }),
  'training:status': z.object({ runId, message: z.string() }),
  /** Batch and epoch progress; epoch events carry the epoch's record. */
  'training:progress': z.object({ runId, progress }),
  'training:finished': z.object({ runId, status: z.enum(RUN_STATUSES), error: z.string().nullable() }),
  'predict:status': z.object({ message: z.string() }),
  'predict:progress': z.object({ done: z.number(), total: z.number(), rowsPerSecond: z.number() }),
} as const;

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export type RequestArgs<N extends RequestName> = z.input<(typeof requests)[N]['args']>;
export type RequestResult<N extends RequestName> = z.output<(typeof requests)[N]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** A user-facing failure as it crosses a transport (mirrors the engine's CrucibleError). */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  location: z.object({ file: z.string().optional(), row: z.number().optional(), column: z.string().optional() }).optional(),
});
export type ApiErrorData = z.infer<typeof apiErrorSchema>;

/** What every transport returns for a request. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorData };

/** The client-side view of the contract that the renderer codes against, whatever the transport. */
export interface ApiClient {
  call<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The IPC channel that carries pushed events; its messages are `(eventName, payload)`. */
export const EVENT_CHANNEL = 'crucible:event';

/** What the Electron preload exposes as `window.crucible`: one function per request, plus events. */
export interface PreloadApi {
  invoke: { [N in RequestName]: (args: RequestArgs<N>) => Promise<Envelope<RequestResult<N>>> };
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
