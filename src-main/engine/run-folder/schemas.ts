/**
 * The saved shapes of a run folder (run.json, events.jsonl, metrics.json) and what its readers return, as zod
 * schemas. Pure: the API contract imports them, so a run's files and the wire carry one definition.
 */
import { z } from 'zod';
import { TASK_KINDS } from '../vocabulary';
import { EpochRecordSchema } from './epoch-record';

export const RUN_HEADER_VERSION = 1;

/** A task as a run trained it. */
export const RunTaskSchema = z.object({
  name: z.string(),
  type: z.enum(TASK_KINDS),
  column: z.string(),
  /** The unit of the labels the user confirmed (config `unit:`); null or absent (runs from before units) = none stated. */
  unit: z.string().nullable().optional(),
});
export type RunTask = z.infer<typeof RunTaskSchema>;

/** run.json: what ran, in the few fields the runs list, the charts and fine-tuning read (config.yaml has the rest). */
export const RunHeaderSchema = z.object({
  formatVersion: z.literal(RUN_HEADER_VERSION),
  name: z.string().nullable(),
  /** The project table the targets came from (null: a file). */
  table: z.string().nullable(),
  /** A run joining project tables by material: the tables, in order (its task columns read `<table>.<column>`, its ids are material keys). */
  joinedTables: z.array(z.string()).optional(),
  idColumn: z.string().nullable(),
  featurizer: z.string().nullable(),
  /** Encoder widths after the input, the deposit width last. */
  sharedDims: z.array(z.number().int().positive()),
  /** The backend asked for (provenance.json has the one used); null where an older config did not say. */
  backend: z.string().nullable(),
  /** The loss weighting strategy. */
  strategy: z.string().nullable(),
  /** The tasks trained (enabled ones), with each curve's x-axis column. */
  tasks: z.array(RunTaskSchema.extend({ stepsColumn: z.string().nullable() })),
});
export type RunHeader = z.infer<typeof RunHeaderSchema>;

/** What `done` remembers of the run's end. */
const RunEnd = z.looseObject({
  epochsRun: z.number().int().nonnegative(),
  bestEpoch: z.number().int().nonnegative(),
  stopReason: z.string().nullable(),
  cancelled: z.boolean(),
});

/** One line of events.jsonl. */
export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({ time: z.string(), type: z.literal('epoch'), record: EpochRecordSchema }),
  z.object({ time: z.string(), type: z.literal('done'), summary: RunEnd }),
  z.object({ time: z.string(), type: z.literal('failed'), error: z.string() }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;

/** Runs written before run.json existed logged flat Keras-style epoch logs, epochs from 0. */
export const LegacyEpochEventSchema = z.object({
  time: z.string().optional(),
  type: z.literal('epoch'),
  epoch: z.number().int().nonnegative(),
  logs: z.record(z.string(), z.number()),
});

const MetricValues = z.record(z.string(), z.number());

/** An ensemble's conformal interval of a task: the coverage asked for, its calibration, and how it did on test (JSON writes ∞ as null). */
const IntervalSchema = z.object({
  coverage: z.number(),
  q: z.number().nullable(),
  calibration_rows: z.number(),
  test_coverage: z.number().nullable(),
  mean_width: z.number().nullable(),
  test_rows: z.number(),
});

/** metrics.json. */
export const MetricsReportSchema = z
  .object({
    /**
     * Per task, val and test metrics in the user's units; for regression and curves also `baseline_test`: the test
     * metrics of always predicting the training mean (per grid point for curves), the bar any useful model must clear.
     */
    tasks: z.record(
      z.string(),
      z.object({ type: z.string(), val: MetricValues, test: MetricValues, baseline_test: MetricValues.optional(), interval: IntervalSchema.optional() }),
    ),
    overall: z.object({ val: MetricValues, test: MetricValues }),
    /** The epoch the shared encoder comes from (from 1). */
    best_epoch: z.number(),
    /** With per-task checkpoints: each task's own best epoch (from 1). */
    best_epochs: z.record(z.string(), z.number()).optional(),
    epochs_run: z.number(),
    stopped_early: z.string().nullable(),
    /** Fine-tuned runs: the source model's tasks on the source's test rows, before and after (or, in `note`, why not measured). */
    forgetting: z
      .object({
        tasks: z.record(z.string(), z.record(z.string(), z.object({ before: z.number(), after: z.number(), change: z.number() }))).optional(),
        warnings: z.array(z.string()).optional(),
        note: z.string().optional(),
      })
      .optional(),
    /** Ensembles: each member's seed, epochs and own test metrics. */
    ensemble: z
      .object({
        size: z.number().int(),
        members: z.array(z.object({ seed: z.number(), best_epoch: z.number(), epochs_run: z.number(), test: z.record(z.string(), MetricValues) })),
      })
      .optional(),
  })
  // Readers keep what a newer writer adds.
  .loose();
export type MetricsReport = z.infer<typeof MetricsReportSchema>;

export const RUN_STATUSES = ['running', 'done', 'cancelled', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run as the runs list shows it. */
export const RunSummarySchema = z.object({
  /** The run folder's name inside the project's runs/. */
  id: z.string(),
  name: z.string(),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  epochsRun: z.number(),
  bestEpoch: z.number().nullable(),
  stopReason: z.string().nullable(),
  error: z.string().nullable(),
  backend: z.string().nullable(),
  strategy: z.string().nullable(),
  /** The project table the run read, or the tables a joined run read (`a + b`); null: files. */
  table: z.string().nullable(),
  tasks: z.array(RunTaskSchema),
  /** Test metrics per task (user units) of the best epoch. */
  test: z.record(z.string(), MetricValues),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** A run's folder read whole: its summary, config.yaml, every epoch's record and metrics.json. */
export const RunDetailsSchema = z.object({
  summary: RunSummarySchema,
  config: z.string(),
  history: z.array(EpochRecordSchema),
  metrics: MetricsReportSchema.nullable(),
});
export type RunDetails = z.infer<typeof RunDetailsSchema>;

/** A predicted or measured value: a number, a class label (text or flag), a curve, or missing. */
const PredictionCell = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.number().nullable())]);

/** predictions/test.csv column-wise: one entry per row in `ids`, per task predicted and measured values. */
export const RunPredictionsSchema = z.object({
  ids: z.array(z.string()),
  /** Each row's formula as the data gave it, and its canonical formula ('' where the text is no formula). */
  formulas: z.array(z.string()),
  canonicalFormulas: z.array(z.string()),
  tasks: z.array(
    z.object({
      name: z.string(),
      type: z.enum(TASK_KINDS),
      predicted: z.array(PredictionCell),
      measured: z.array(PredictionCell),
      /** Classification: each class's predicted probability per row, when the run recorded them (`<task>_p_<class>` columns). */
      scores: z.record(z.string(), z.array(z.number().nullable())).nullable(),
      /** Ensembles' regression tasks: per row, the members' spread and the conformal interval's bounds (`<task>_std`, `_lo`, `_hi`). */
      interval: z.object({ std: z.array(z.number().nullable()), lo: z.array(z.number().nullable()), hi: z.array(z.number().nullable()) }).nullable(),
      /** Sequences: each row's x values (null where unknown) and the x column's name. */
      steps: z.array(z.array(z.number()).nullable()).nullable(),
      stepsColumn: z.string().nullable(),
    }),
  ),
});
export type RunPredictions = z.infer<typeof RunPredictionsSchema>;
export type PredictionValue = z.infer<typeof PredictionCell>;
