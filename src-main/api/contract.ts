/**
 * The one API contract between the UI and the engine: every request (name → args → result) and
 * every pushed event, as zod schemas. Electron IPC, the web mode and the renderer all type-check
 * against it, and every transport validates payloads against it at its boundary.
 *
 * Adding an operation = one entry here + one handler in `handlers/`.
 */
import { z } from 'zod';
import { ID_PATTERN, ID_RULE, TABLE_NAME_PATTERN, TABLE_NAME_RULE } from '../engine/util/ids';

const projectSummary = z.object({
  dir: z.string(),
  name: z.string(),
  createdAt: z.string(),
  tables: z.array(
    z.object({
      name: z.string(),
      rowCount: z.number(),
      sourceFile: z.string(),
      importedAt: z.string(),
      formulaColumn: z.string().nullable(),
      curves: z.array(z.object({ y: z.string(), x: z.string() })),
    }),
  ),
  taskCount: z.number(),
  runCount: z.number(),
  modelCount: z.number(),
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

const curve = z.object({ y: z.string().min(1), x: z.string().min(1) });
/** A long-format file: one row per curve point; `id` columns identify a curve, `x` is its axis, `y` its values. */
const longFormat = z.object({ id: z.array(z.string().min(1)).min(1), x: z.string().min(1), y: z.array(z.string().min(1)).min(1) });

/** How a file is read: the same choices `crucible import` offers. */
const importOptions = z
  .object({
    formulaColumn: z.string().min(1).optional(),
    idColumn: z.string().min(1).optional(),
    curves: z.array(curve).optional(),
    long: longFormat.optional(),
  })
  .strict();
export type ImportChoices = z.infer<typeof importOptions>;

const tablePreview = z.object({ name: z.string(), rowCount: z.number(), columns: z.array(column), rows: z.array(z.record(z.string(), cell)) });
export type TablePreview = z.infer<typeof tablePreview>;

const filePreview = tablePreview.extend({
  format: z.enum(['csv', 'tsv', 'parquet', 'xlsx']).nullable(),
  problems: z.array(problem),
  formulaColumn: z.string().nullable(),
  role: z.enum(['samples', 'element-properties', 'other']).nullable(),
  /** The table name an import would use by default. */
  suggestedTable: z.string(),
});
export type FilePreview = z.infer<typeof filePreview>;

const tableInfo = z.object({
  name: z.string(),
  rowCount: z.number(),
  sourceFile: z.string(),
  importedAt: z.string(),
  formulaColumn: z.string().nullable(),
  idColumn: z.string().nullable(),
  curves: z.array(curve),
  columns: z.array(z.object({ name: z.string(), type: z.string(), kind: columnKind })),
});
export type TableInfo = z.infer<typeof tableInfo>;

// ── Tasks ────────────────────────────────────────────────────────────────────────────────────────

export const TASK_TYPES = ['regression', 'classification', 'sequence'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/**
 * One task of the project (kept in project.json `tasks`): the seed's task-config keys, the table the
 * column comes from, and the head's own options (from the head registry's schema) under `head_options`.
 */
export const taskSpecSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'Give the task a name.')
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'Start with a letter; use letters, digits, _ . - only.'),
    table: tableName,
    type: z.enum(TASK_TYPES),
    /** Head registry id (rnn, vec, kernel_regression, …). */
    subtype: z.string().min(1),
    data_column: z.string().min(1),
    /** Sequences: the list column holding each curve's x values. */
    steps_column: z.string().min(1).nullable(),
    loss_weight: z.number().min(0, 'At least 0.').max(1000),
    /** Keep-ratio of the task's labelled training rows (the data fraction), in (0, 1]. */
    task_masking_ratio: z.number().gt(0, 'Above 0.').max(1, 'At most 1.'),
    enabled: z.boolean(),
    head_options: z.record(z.string(), z.unknown()),
  })
  .strict();
export type TaskSpec = z.infer<typeof taskSpecSchema>;

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
  heads: z.array(z.object({ id: z.string(), kind: z.enum(TASK_TYPES), label: z.string(), fields: z.array(optionField) })),
  weightings: z.array(z.object({ id: z.string(), label: z.string() })),
  featurizers: z.array(z.object({ id: z.string(), label: z.string() })),
  backends: z.array(z.string()),
});
export type Catalog = z.infer<typeof catalog>;

/** A task's problem, attached to the field that causes it (`field` null = the task as a whole). */
const taskProblem = z.object({ task: z.number(), field: z.string().nullable(), message: z.string() });
export type TaskProblem = z.infer<typeof taskProblem>;

const splitCounts = z.object({ train: z.number(), val: z.number(), test: z.number() });
export type SplitCounts = z.infer<typeof splitCounts>;

// ── Training ─────────────────────────────────────────────────────────────────────────────────────

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** What the Train page sets; the tasks come from the project. */
export const trainSettingsSchema = z
  .object({
    name: z
      .string()
      .trim()
      .max(60)
      .regex(/^[A-Za-z0-9 ._-]*$/, 'Letters, digits, spaces, . _ - only.'),
    strategy: z.string().min(1),
    backend: z.enum(BACKEND_CHOICES),
    maxEpochs: z.number().int().min(1).max(10_000),
    /** null = no early stopping. */
    patience: z.number().int().min(1).max(1000).nullable(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    batchSize: z.number().int().min(1).max(65_536),
    learningRate: z.number().gt(0).max(1),
    valSplit: z.number().min(0.01).max(0.5),
    testSplit: z.number().min(0.01).max(0.5),
    featurizer: z.string().min(1),
    /** Widths of the shared encoder after the input (the last is the deposit width). */
    sharedDims: z.array(z.number().int().min(1).max(4096)).min(1).max(8),
  })
  .strict();
export type TrainSettings = z.infer<typeof trainSettingsSchema>;

/** Keras-style flat epoch record: loss, val_final_loss, train_<task>_raw_loss, val_<task>_mae, lr_<group>, <task>_sigma … */
const logs = z.record(z.string(), z.number());
export type EpochLogs = z.infer<typeof logs>;

const progress = z.object({
  type: z.enum(['batch', 'epoch']),
  epoch: z.number(),
  epochs: z.number(),
  batch: z.number(),
  batches: z.number(),
  samplesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  logs: logs.optional(),
});
export type TrainingProgress = z.infer<typeof progress>;

const runStatus = z.enum(['running', 'done', 'cancelled', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof runStatus>;

const metricValues = z.record(z.string(), z.number());
const runTask = z.object({ name: z.string(), type: z.enum(TASK_TYPES), column: z.string() });

const runSummary = z.object({
  /** The run folder's name inside the project's runs/. */
  id: z.string(),
  name: z.string(),
  status: runStatus,
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  epochsRun: z.number(),
  bestEpoch: z.number().nullable(),
  stopReason: z.string().nullable(),
  error: z.string().nullable(),
  backend: z.string().nullable(),
  strategy: z.string().nullable(),
  table: z.string().nullable(),
  tasks: z.array(runTask),
  /** Test metrics per task (user units) of the best epoch. */
  test: z.record(z.string(), metricValues),
});
export type RunSummary = z.infer<typeof runSummary>;

const metricsReport = z.object({
  tasks: z.record(z.string(), z.object({ type: z.string(), val: metricValues, test: metricValues, baseline_test: metricValues.optional() })),
  overall: z.object({ val: metricValues, test: metricValues }),
  best_epoch: z.number(),
  epochs_run: z.number(),
  stopped_early: z.string().nullable(),
  /** Fine-tuned runs: the source model's tasks on the source's test rows, before and after (or why not measured). */
  forgetting: z
    .object({
      tasks: z.record(z.string(), z.record(z.string(), z.object({ before: z.number(), after: z.number(), change: z.number() }))).optional(),
      note: z.string().optional(),
    })
    .optional(),
});
export type MetricsReport = z.infer<typeof metricsReport>;

/** A run's test predictions, column-wise: one entry per row in `ids`, per task predicted and measured values. */
const predictions = z.object({
  ids: z.array(z.string()),
  formulas: z.array(z.string()),
  tasks: z.array(
    z.object({
      name: z.string(),
      type: z.enum(TASK_TYPES),
      predicted: z.array(cell),
      measured: z.array(cell),
      /** Classification: each class's predicted probability per row, when the run recorded them (`<task>_p_<class>` columns). */
      scores: z.record(z.string(), z.array(z.number().nullable())).nullable(),
      /** Sequences: each row's x values (null where unknown) and the x column's name. */
      steps: z.array(z.array(z.number()).nullable()).nullable(),
      stepsColumn: z.string().nullable(),
    }),
  ),
});
export type RunPredictions = z.infer<typeof predictions>;

// ── Models and prediction ────────────────────────────────────────────────────────────────────────

const modelId = id;
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

export const FINE_TUNE_METHODS = ['full', 'freeze', 'lora'] as const;
const fineTune = z
  .object({
    from: fineTuneSource,
    /** full: every weight trains; freeze: the encoder is frozen, heads train; lora: low-rank adapters on the encoder. */
    method: z.enum(FINE_TUNE_METHODS),
    loraRank: z.number().int().min(1).max(256),
    loraAlpha: z.number().gt(0).max(1024),
    /** The project tasks this run trains (enabled ones of one table); the source's other heads are kept, frozen. */
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
  'tasks:get': { args: z.object({}).strict(), result: z.object({ tasks: z.array(taskSpecSchema) }) },
  /** Validates and saves the project's tasks; refuses (bad-input) while any task has a problem. */
  'tasks:save': { args: z.object({ tasks: z.array(z.unknown()) }).strict(), result: z.object({ tasks: z.array(taskSpecSchema) }) },
  /** Problems of a draft task list (as the user types), and labelled rows per split of the valid tasks. */
  'tasks:check': {
    args: z.object({ tasks: z.array(z.unknown()), counts: z.boolean().optional() }).strict(),
    result: z.object({ problems: z.array(taskProblem), counts: z.record(z.string(), splitCounts).nullable(), countsError: z.string().nullable() }),
  },

  /** The Train page's last settings (or defaults). */
  'training:settings': { args: z.object({}).strict(), result: trainSettingsSchema },
  /** Starts a run of the project's enabled tasks in a worker thread; progress arrives as training:* events. */
  'training:start': { args: z.object({ settings: trainSettingsSchema, fineTune: fineTune.optional() }).strict(), result: z.object({ runId }) },
  /** What a fine-tuning source holds: its tasks (heads), encoder widths and featurizer. */
  'finetune:source': {
    args: z.object({ from: fineTuneSource }).strict(),
    result: z.object({ label: z.string(), tasks: z.array(runTask), sharedDims: z.array(z.number()), featurizer: z.string().nullable() }),
  },
  'training:cancel': { args: z.object({ runId }).strict(), result: z.object({ cancelling: z.boolean() }) },
  /** The run in progress, if any, with its epochs so far (for a page that opens mid-run). */
  'training:active': {
    args: z.object({}).strict(),
    result: z.object({ run: z.object({ runId, history: z.array(logs), progress: progress.nullable(), tasks: z.array(runTask) }).nullable() }),
  },

  'runs:list': { args: z.object({}).strict(), result: z.object({ runs: z.array(runSummary) }) },
  'runs:get': {
    args: z.object({ runId }).strict(),
    result: z.object({ summary: runSummary, config: z.string(), history: z.array(logs), metrics: metricsReport.nullable() }),
  },
  'runs:predictions': { args: z.object({ runId }).strict(), result: predictions },

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
  /** Predicts every row of a file with a project model; kept as a project table, and written to `output` when given. */
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
      })
      .strict(),
    result: z.object({ summary: predictSummary, preview: tablePreview, curves: z.array(curve) }),
  },
} as const;

export const events = {
  /** Sent when the open project changes (opened, created, closed). */
  'project:changed': z.object({ dir: z.string().nullable(), name: z.string().nullable() }),
  /** A run started: its tasks, so charts can be laid out before the first epoch. */
  'training:started': z.object({ runId, tasks: z.array(runTask) }),
  'training:status': z.object({ runId, message: z.string() }),
  /** Batch and epoch progress; epoch events carry the epoch's logs. */
  'training:progress': z.object({ runId, progress }),
  'training:finished': z.object({ runId, status: runStatus, error: z.string().nullable() }),
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
