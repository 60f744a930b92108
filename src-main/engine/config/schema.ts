/**
 * The run configuration as users write it, for the CLI, the UI and the project file alike: the seed project's
 * (TsumiNa/foundation_model) LightningCLI layout — `model.init_args`, `data.init_args`, `trainer` — plus Crucible's
 * own keys. Objects are strict, so unknown keys are errors; task entries are open because the keys a task accepts
 * depend on its head, and the head registry checks those (see tasks.ts).
 */
import { z } from 'zod';
import { optimizers } from '../train/optim/optimizers/index';
import { schedulers } from '../train/optim/schedulers/index';
import { weightings } from '../train/weighting/index';
import { FEATURIZER_IDS, type FeaturizerId } from '../data/featurize';
import { BACKENDS, TASK_KINDS, type TaskKind } from '../vocabulary';
import type { ActivationName } from '../model/ops/ops';

const squash = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');

/**
 * A string enum compared without case, spaces, hyphens or underscores (the seed writes `REGRESSION`,
 * `ReduceLROnPlateau`, `AdamW`); `aliases` maps further spellings to a value. Parses to the canonical value.
 */
function looseEnum<const T extends readonly [string, ...string[]]>(values: T, aliases: Record<string, T[number]> = {}) {
  const lookup = new Map<string, T[number]>();
  for (const value of values) lookup.set(squash(value), value);
  for (const [alias, value] of Object.entries(aliases)) lookup.set(squash(alias), value);
  return z.string().transform((input, ctx): T[number] => {
    const value = lookup.get(squash(input));
    if (value === undefined) {
      ctx.issues.push({ code: 'invalid_value', values: [...values], input, message: '' });
      return z.NEVER;
    }
    return value;
  });
}

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);

/** A layer width, or `auto` for an input width taken from the data (featurizer or descriptor columns). */
const widthOrAuto = z.union([positiveInt, z.literal('auto')], { error: 'expected a positive whole number or "auto"' });

/** Layer widths whose first entry (the input width) may be `auto`. */
const layerDims = z
  .array(widthOrAuto)
  .min(2)
  .superRefine((dims, ctx) => {
    dims.forEach((d, i) => {
      if (i > 0 && d === 'auto') ctx.addIssue({ code: 'custom', path: [i], message: 'only the first entry (the input width) may be "auto"' });
    });
  });

/** A data source: a CSV/TSV/Parquet/Excel path relative to the config file's folder, or a table of the open project. */
export const SourceSchema = z.union([z.string().min(1), z.strictObject({ table: z.string().min(1) })], {
  error: 'expected a file path or { table: <project table name> }',
});

const columnName = z.string().min(1);

/**
 * One table of attributes: a path or `{ table }` as SourceSchema, or the object form naming the columns that identify
 * its materials where they differ from `formula_column` / `id_column` (each table of a joined run may spell them
 * its own way).
 */
export const AttributesEntrySchema = z.union(
  [
    z.string().min(1),
    z.strictObject({ table: z.string().min(1), formula_column: columnName.optional(), id_column: columnName.nullable().optional() }),
    z.strictObject({ path: z.string().min(1), formula_column: columnName.optional(), id_column: columnName.nullable().optional() }),
  ],
  { error: 'expected a file path, { table: <project table name> } or { path: <file> }, optionally with formula_column / id_column' },
);

/** What identifies one material across the tables of a joined run: its canonical formula, or the id column (keeps polymorphs apart). */
export const JOIN_KEYS = ['formula', 'id'] as const;
/** What several rows of one material in one table do: merged (averaged / majority, reported) or refused. */
export const DUPLICATE_POLICIES = ['merge', 'refuse'] as const;

/** The aliases `scheduler_type` accepts, from each scheduler's own list. */
const SCHEDULER_ALIASES: Record<string, string> = Object.fromEntries(
  Object.values(schedulers).flatMap((s) => (s.aliases ?? []).map((alias) => [alias, s.id] as const)),
);

/** An optimiser's or a scheduler's own options under their own names, checked by that optimiser or scheduler. */
const ownOptions = z.record(z.string(), z.unknown()).optional();

/** Optimiser options written flat, read by name and checked by the optimiser chosen: Adam's and AdamW's (the seed's) and delta_bar_delta's. */
const FLAT_OPTIMIZER_OPTIONS = {
  betas: z.unknown().optional(),
  eps: z.unknown().optional(),
  momentum: z.unknown().optional(),
  gains: z.unknown().optional(),
};

/** The seed's scheduler keys, read by the scheduler chosen, by name or through its `seedKeys`. */
const FLAT_SCHEDULER_OPTIONS = {
  mode: z.enum(['min', 'max']).optional(),
  /** reduce_on_plateau: the factor applied to the rate; step: the decay per step (the seed's StepLR gamma). */
  factor: z.number().positive().lt(1).optional(),
  patience: nonNegativeInt.optional(),
  min_lr: z.number().nonnegative().optional(),
  monitor: z.string().min(1).optional(),
  /** step: epochs between decays (the seed fixes 10). */
  step_size: positiveInt.optional(),
  /** cosine: epochs of one half-period (default: trainer.max_epochs). */
  t_max: positiveInt.optional(),
};

export const FLAT_OPTIMIZER_KEYS = Object.keys(FLAT_OPTIMIZER_OPTIONS) as (keyof typeof FLAT_OPTIMIZER_OPTIONS)[];
export const FLAT_SCHEDULER_KEYS = Object.keys(FLAT_SCHEDULER_OPTIONS) as (keyof typeof FLAT_SCHEDULER_OPTIONS)[];

/**
 * An optimiser and its learning-rate schedule (the seed's OptimizerConfig). Every key is optional: defaults are
 * filled at resolution because the shared block and the heads differ in weight decay. The optimiser and the
 * scheduler are registry ids, and each checks its own options, given under `optimizer_options` /
 * `scheduler_options` or as the flat keys above (config/optimizer.ts). Flat keys another optimiser reads are
 * noted as ignored; those of other schedulers are accepted silently, as in the seed (its sample configs set
 * `patience` with `StepLR`).
 */
export const OptimizerConfigSchema = z.strictObject({
  optimizer_type: looseEnum(Object.keys(optimizers) as [string, ...string[]]).optional(),
  lr: z.number().positive().optional(),
  weight_decay: z.number().nonnegative().optional(),
  freeze_parameters: z.boolean().optional(),
  optimizer_options: ownOptions,
  ...FLAT_OPTIMIZER_OPTIONS,
  /** The seed's `ReduceLROnPlateau` / `StepLR` / `None`, or Crucible's snake_case names; null = none. */
  scheduler_type: looseEnum(Object.keys(schedulers) as [string, ...string[]], SCHEDULER_ALIASES)
    .nullable()
    .optional(),
  scheduler_options: ownOptions,
  ...FLAT_SCHEDULER_OPTIONS,
  interval: z.literal('epoch', { error: 'Crucible steps schedulers once per epoch; expected "epoch"' }).optional(),
  frequency: z.literal(1, { error: 'Crucible steps schedulers every epoch; expected 1' }).optional(),
});

/** A task's lower bound decided from its training labels (train/bounds.ts). */
export const AUTO_BOUND = 'auto';

/** The task kinds, and the newer seed's `KernelRegression`, which is a sequence task. */
export const TASK_TYPES = [...TASK_KINDS, 'kernel_regression'] as const;

/**
 * One task (the seed's Regression/Classification/SequenceTaskConfig). These are the keys every head shares; the
 * remaining keys of an entry are head options (`hidden_dims`, `hidden`, `cell`, `d_model`, `nhead`, `num_layers`,
 * `n_tcn_layers`, `kernel_*`, …), owned and checked by the head registry (`headType(subtype).options`).
 */
export const TaskConfigSchema = z.looseObject({
  name: z.string().min(1),
  /** REGRESSION / CLASSIFICATION / SEQUENCE in any case; the newer seed's `KernelRegression` is a sequence task. */
  type: looseEnum(TASK_TYPES),
  /** The head registry id; default `regression`, `classification`, `rnn` (sequence) or `kernel_regression`. */
  subtype: z.string().min(1).optional(),
  /** The target column of the attributes; empty or absent = the task name. */
  data_column: z.string().optional(),
  /** Sequences: the list column holding each curve's x values. */
  steps_column: z.string().optional(),
  /** The newer seed's name for `steps_column`. */
  t_column: z.string().optional(),
  enabled: z.boolean().optional(),
  /** Static loss weight (2025 seed); `loss_weight` is the newer seed's name for it. */
  weight: z.number().nonnegative().optional(),
  loss_weight: z.number().nonnegative().optional(),
  /** Keep-ratio of the task's labelled training rows (newer seed; the 2025 seed sets it in data.init_args.task_masking_ratios). */
  task_masking_ratio: z.number().gt(0).max(1).optional(),
  optimizer: OptimizerConfigSchema.nullable().optional(),
  freeze_parameters: z.boolean().optional(),
  lora_enabled: z.boolean().optional(),
  lora_rank: nonNegativeInt.optional(),
  lora_alpha: z.number().positive().optional(),
  lora_freeze_base: z.boolean().optional(),
  /** Head input width; must equal the deposit width. */
  d_in: positiveInt.optional(),
  /** Regression: [d_in, hidden…, output width]; classification: [d_in, hidden…] (the classes follow). */
  dims: z.array(positiveInt).min(1).optional(),
  num_classes: z.number().int().min(2).optional(),
  class_weights: z.array(z.number().positive()).min(2).optional(),
  /**
   * Crucible, regression and curves: the smallest value a prediction may take, enforced by the output transform;
   * `auto` (default) = 0 when every training label is at least 0, none otherwise; null = unbounded.
   */
  lower_bound: z.union([z.number(), z.literal(AUTO_BOUND), z.null()], { error: 'expected a number, "auto" or null' }).optional(),
  /** Crucible, regression and curves: the largest value a prediction may take (null or absent = unbounded). */
  upper_bound: z.number().nullable().optional(),
  /** Crucible, regression and curves: the unit of the labels (eV, 1/K, µV/K …) for axes, tables and bundles; null = none. */
  unit: z.string().trim().min(1).max(32).nullable().optional(),
});

/** Keys of {@link TaskConfigSchema}, i.e. the task keys that are not head options. */
export const COMMON_TASK_KEYS: readonly string[] = Object.keys(TaskConfigSchema.shape);

/**
 * Seed task keys that Crucible's heads may have no use for: every seed SequenceTaskConfig carries `cell`,
 * `seq_len`, `n_tcn_layers`, … whatever its subtype, every regression config `residual`, and kernel-regression
 * configs the seed's initialisation and encoding switches. A head without such an option ignores it with a notice
 * instead of failing, so seed configs run unchanged.
 */
export const SEED_GENERIC_HEAD_KEYS: Record<TaskKind, readonly string[]> = {
  regression: ['norm', 'residual'],
  classification: ['norm', 'residual'],
  sequence: [
    'hidden',
    'cell',
    'seq_len',
    'n_tcn_layers',
    'd_model',
    'nhead',
    'num_layers',
    'norm',
    'residual',
    'x_dim',
    't_dim',
    't_encoding_method',
    'kernel_centers_init',
    'kernel_sigmas_init',
    'kernel_init_range',
  ],
};

export const ACTIVATIONS = ['relu', 'leaky_relu', 'tanh', 'gelu', 'silu'] as const satisfies readonly ActivationName[];

/** The weights of the self-supervised losses; `loss_weights` may also hold static weights keyed by task name. */
export const SSL_LOSS_KEYS = ['mfm', 'contrastive', 'cross_recon'] as const;

/**
 * Crucible: how the formula branch reads a formula. `mlp` (the seed's): an MLP over the descriptors.
 * `attention`: self-attention over the formula's element tokens (CrabNet / Roost style, model/layers/
 * element-attention.ts), pooled into the same MLP, beside the descriptors unless `with_descriptors` is false.
 */
export const EncoderSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('mlp') }),
  z.strictObject({
    type: z.literal('attention'),
    /** The element table each token carries (a featurizer id); mat2vec as CrabNet. */
    elements: z.enum(FEATURIZER_IDS as [FeaturizerId, ...FeaturizerId[]]).default('mat2vec'),
    d_model: positiveInt.default(64),
    heads: positiveInt.default(4),
    layers: positiveInt.default(2),
    /** Default: twice d_model. */
    dim_feedforward: positiveInt.optional(),
    /** Fourier octaves of the linear- and log-scale fraction encodings. */
    fraction_frequencies: nonNegativeInt.default(6),
    with_descriptors: z.boolean().default(true),
  }),
]);

/** `model.init_args`: FlexibleMultiTaskModel's arguments. */
export const ModelArgsSchema = z.strictObject({
  /** [input width (or auto), hidden…]; the last entry is the encoder's output width. */
  shared_block_dims: layerDims,
  /** Crucible: the formula branch's encoder (default `{ type: mlp }`). */
  encoder: EncoderSchema.optional(),
  /** Crucible: width of the deposit layer (the seed always uses the last shared width). */
  deposit_dim: positiveInt.optional(),
  norm_shared: z.boolean().default(true),
  residual_shared: z.boolean().default(false),
  /** Crucible: the encoder's activation and dropout. */
  activation: z.enum(ACTIVATIONS).default('leaky_relu'),
  dropout: z.number().min(0).max(0.9).default(0),
  shared_block_optimizer: OptimizerConfigSchema.nullable().optional(),
  with_structure: z.boolean().optional(),
  /** [structure input width (or auto), hidden…]; the last entry must equal the last shared width. */
  struct_block_dims: layerDims.nullable().optional(),
  modality_dropout_p: fraction.default(0.3),
  enable_self_supervised_training: z.boolean().default(false),
  /** Static weights: `mfm`, `contrastive`, `cross_recon` (self-supervised losses) and task names. */
  loss_weights: z.record(z.string(), z.number().nonnegative()).nullable().optional(),
  mask_ratio: z.number().gt(0).lt(1).default(0.15),
  temperature: z.number().positive().default(0.07),
  /** Uncertainty weighting (Kendall et al.); on unless set false, as in the seed. */
  enable_learnable_loss_balancer: z.boolean().optional(),
  /**
   * Crucible: LoRA adapters on every dense layer of the encoder (0 = off); the encoder's own weights are
   * then frozen and only the adapters (and the heads) train. Also the rank tasks with `lora_enabled` use.
   */
  lora_rank: nonNegativeInt.default(0),
  lora_alpha: z.number().positive().default(16),
  task_configs: z.array(TaskConfigSchema).min(1),
});

/** The one value the seed's `data.init_args.task_configs` may have: the tasks are those of the model. */
export const TASK_CONFIGS_REFERENCE = '${model.init_args.task_configs}';

/** `data.init_args`: CompoundDataModule's arguments plus Crucible's data keys. */
export const DataArgsSchema = z.strictObject({
  formula_desc_source: SourceSchema.nullable().optional(),
  /** One table of targets, or a list of tables joined into one row per material (see data/join). */
  attributes_source: z
    .union([AttributesEntrySchema, z.array(AttributesEntrySchema).min(1)])
    .nullable()
    .optional(),
  structure_desc_source: SourceSchema.nullable().optional(),
  task_configs: z
    .literal(TASK_CONFIGS_REFERENCE, { error: `tasks are configured in model.init_args.task_configs; expected "${TASK_CONFIGS_REFERENCE}"` })
    .optional(),
  with_structure: z.boolean().optional(),
  /** Keep-ratio per task name, in (0, 1]. */
  task_masking_ratios: z.record(z.string(), z.number().gt(0).max(1)).nullable().optional(),
  val_split: z.number().min(0).lt(1).default(0.1),
  test_split: z.number().min(0).lt(1).default(0.1),
  train_random_seed: z.number().int().default(42),
  test_random_seed: z.number().int().default(24),
  test_all: z.boolean().default(false),
  batch_size: positiveInt.default(32),
  /** Seed key with no meaning here (Crucible has no loader workers); accepted and ignored. */
  num_workers: nonNegativeInt.optional(),
  /** Crucible: the attributes table (or tables, joined) of the open project, instead of attributes_source. */
  table: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Crucible, several attribute tables: what makes rows of different tables one material. */
  join_on: z.enum(JOIN_KEYS).default('formula'),
  /** Crucible, several attribute tables: rows of one material within one table are merged (and reported) or refused. */
  duplicates: z.enum(DUPLICATE_POLICIES).default('merge'),
  /** Crucible: the column of chemical formulas, featurized with `featurizer` when formula_desc_source is absent. */
  formula_column: z.string().min(1).optional(),
  featurizer: z.enum(FEATURIZER_IDS as [FeaturizerId, ...FeaturizerId[]]).optional(),
  /** Crucible: the column joining descriptor files to the attributes (default: each file's first column, as the seed). */
  id_column: z.string().min(1).nullable().optional(),
  /** Crucible: the train/val/test label column, used when the attributes have it; null = always split at random. */
  split_column: z.string().min(1).nullable().default('split'),
});

/**
 * The monitor that stands for every task's own validation metric (`val_<task>_mae` for regression and curves,
 * `val_<task>_raw_loss` for classification): early stopping waits until none improves, checkpoints keep each
 * task's best epoch (train/task-checkpoints.ts).
 */
export const PER_TASK_MONITOR = 'per_task';

/** Patience scaled to the data: `auto` gives about the same number of optimiser steps on any data size (train/defaults.ts). */
export const AUTO_PATIENCE = 'auto';

/** Crucible's early stopping (`trainer.early_stopping`; on by default, `null` turns it off); the seed's EarlyStopping callback sets the same. */
export const EarlyStoppingSchema = z.strictObject({
  monitor: z.string().min(1).default(PER_TASK_MONITOR),
  patience: z.union([nonNegativeInt, z.literal(AUTO_PATIENCE)], { error: 'expected a whole number of epochs or "auto"' }).default(AUTO_PATIENCE),
  min_delta: z.number().nonnegative().default(0),
  mode: z.enum(['min', 'max']).default('min'),
});

/** Which metric picks the best checkpoint (`trainer.checkpoint`; default: each task's best epoch); the seed's ModelCheckpoint callback sets the same. */
export const CheckpointSchema = z.strictObject({
  monitor: z.string().min(1).default(PER_TASK_MONITOR),
  mode: z.enum(['min', 'max']).default('min'),
});

export const CallbackSchema = z.strictObject({
  class_path: z.string().min(1),
  init_args: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** init_args of the Lightning callbacks Crucible understands, by class name. */
export const CALLBACK_ARGS = {
  EarlyStopping: z.strictObject({
    monitor: z.string().min(1).optional(),
    patience: nonNegativeInt.optional(),
    min_delta: z.number().nonnegative().optional(),
    mode: z.enum(['min', 'max']).optional(),
    verbose: z.boolean().optional(),
  }),
  ModelCheckpoint: z.strictObject({
    monitor: z.string().min(1).nullable().optional(),
    mode: z.enum(['min', 'max']).optional(),
    dirpath: z.string().nullable().optional(),
    filename: z.string().nullable().optional(),
    save_top_k: z.number().int().optional(),
    save_last: z.boolean().nullable().optional(),
    verbose: z.boolean().optional(),
    every_n_epochs: nonNegativeInt.nullable().optional(),
    save_weights_only: z.boolean().optional(),
    auto_insert_metric_name: z.boolean().optional(),
  }),
} as const;

/** ModelCheckpoint keys that only say where and how often Lightning writes files; Crucible keeps best and last in the run folder. */
export const CHECKPOINT_FILE_KEYS = [
  'dirpath',
  'filename',
  'save_top_k',
  'save_last',
  'verbose',
  'every_n_epochs',
  'save_weights_only',
  'auto_insert_metric_name',
];

/** Lightning callbacks that only log or draw progress; Crucible has its own, so they are accepted and ignored. */
export const IGNORED_CALLBACKS = [
  'LearningRateMonitor',
  'TQDMProgressBar',
  'RichProgressBar',
  'ModelSummary',
  'RichModelSummary',
  'DeviceStatsMonitor',
  'Timer',
];

/**
 * Lightning Trainer arguments that have no meaning for Crucible (devices, loggers, output folders, debugging
 * switches). They are accepted so seed configs run, and each one set is reported as ignored.
 */
export const IGNORED_TRAINER_KEYS = [
  'accelerator',
  'devices',
  'num_nodes',
  'strategy',
  'precision',
  'logger',
  'default_root_dir',
  'enable_progress_bar',
  'enable_model_summary',
  'enable_checkpointing',
  'fast_dev_run',
  'log_every_n_steps',
  'deterministic',
  'benchmark',
  'accumulate_grad_batches',
  'check_val_every_n_epoch',
  'val_check_interval',
  'max_steps',
  'min_steps',
  'max_time',
  'limit_train_batches',
  'limit_val_batches',
  'limit_test_batches',
  'limit_predict_batches',
  'overfit_batches',
  'num_sanity_val_steps',
  'profiler',
  'detect_anomaly',
  'sync_batchnorm',
  'reload_dataloaders_every_n_epochs',
  'use_distributed_sampler',
  'inference_mode',
  'barebones',
  'plugins',
] as const;

export const TrainerSchema = z.strictObject({
  max_epochs: positiveInt.default(100),
  /** Early stopping never stops before this epoch. */
  min_epochs: nonNegativeInt.default(0),
  /** Clip gradients at this value; null or 0 = no clipping. */
  gradient_clip_val: z.number().nonnegative().nullable().default(null),
  gradient_clip_algorithm: z.enum(['norm', 'value']).default('norm'),
  early_stopping: EarlyStoppingSchema.nullable().optional(),
  checkpoint: CheckpointSchema.optional(),
  callbacks: z.array(CallbackSchema).nullable().optional(),
  ...(Object.fromEntries(IGNORED_TRAINER_KEYS.map((key) => [key, z.unknown().optional()])) as Record<
    (typeof IGNORED_TRAINER_KEYS)[number],
    z.ZodOptional<z.ZodUnknown>
  >),
});

/** How the task losses are combined: each strategy with its own options. */
/**
 * The loss weighting: a strategy id from the weighting registry and that strategy's own options,
 * which the strategy validates (hyper-parameters belong to the strategy, not to this schema).
 */
export const WeightingSchema = z.strictObject({
  strategy: looseEnum(Object.keys(weightings) as [string, ...string[]]),
  options: z.record(z.string(), z.unknown()).prefault({}),
});

/**
 * Crucible: a deep ensemble. `size` members train on the same split from different seeds; predictions are
 * their mean, with the members' spread as a per-row std, calibrated on the validation split into an
 * interval with the stated coverage (split conformal).
 */
export const EnsembleSchema = z.strictObject({
  size: z.number().int().min(2, { error: 'an ensemble needs at least 2 members' }).max(32, { error: 'at most 32 members' }),
  /** The intervals' target coverage on new data, e.g. 0.9 for 90 %. */
  coverage: z.number().gt(0).lt(1, { error: 'coverage is a fraction between 0 and 1, e.g. 0.9' }).default(0.9),
});

export const RunConfigSchema = z.strictObject({
  /** An integer seed; true or false (Lightning's "pick one" / "none") draws a seed, which the resolved config records. Default 42. */
  seed_everything: z.union([z.number().int(), z.boolean()], { error: 'expected a whole number, true or false' }).optional(),
  experiment_name: z.string().min(1).nullable().optional(),
  /** Crucible: the TensorFlow.js backend. */
  backend: z.enum(BACKENDS).default('auto'),
  /** Crucible: the loss weighting strategy (default from model.init_args.enable_learnable_loss_balancer). */
  weighting: WeightingSchema.optional(),
  model: z.strictObject({
    class_path: z
      .string()
      .regex(/(^|\.)FlexibleMultiTaskModel$/, { error: 'expected a FlexibleMultiTaskModel class path' })
      .optional(),
    init_args: ModelArgsSchema,
  }),
  data: z.strictObject({
    class_path: z
      .string()
      .regex(/(^|\.)CompoundDataModule$/, { error: 'expected a CompoundDataModule class path' })
      .optional(),
    init_args: DataArgsSchema,
  }),
  trainer: TrainerSchema.prefault({}),
  ensemble: EnsembleSchema.nullable().optional(),
});

/** A run configuration as written (what the UI edits and a YAML file holds). */
export type RunConfigInput = z.input<typeof RunConfigSchema>;
/** A run configuration after schema checks, with its static defaults filled in. */
export type RunConfig = z.output<typeof RunConfigSchema>;
export type TaskConfig = z.output<typeof TaskConfigSchema>;
export type OptimizerConfig = z.output<typeof OptimizerConfigSchema>;
export type WeightingConfig = z.output<typeof WeightingSchema>;
