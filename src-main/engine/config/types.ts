/** The resolved run configuration the trainer reads: defaults filled, paths absolute, names normalised, cross-checked. */
import type { FeaturizerId } from '../data/featurize';
import type { TaskKind } from '../data/dataset/types';
import type { BackendRequest } from '../model/backend';
import type { SourceFormat } from '../project/schema';
import type { ACTIVATIONS, AUTO_BOUND, DUPLICATE_POLICIES, JOIN_KEYS, WeightingConfig } from './schema';

/** Where a table of data comes from. */
export type ResolvedSource = { kind: 'file'; path: string; format: SourceFormat } | { kind: 'table'; table: string };

/** A learning-rate schedule: a scheduler registry id (train/optim/schedulers) and its own options, defaults filled. */
export interface SchedulerSettings {
  type: string;
  options: Record<string, unknown>;
}

export interface OptimizerSettings {
  /** An optimiser registry id (train/optim/optimizers), e.g. 'adamw'. */
  type: string;
  /** That optimiser's own options (Adam's betas and eps, delta_bar_delta's momentum and gains, …), defaults filled. */
  options: Record<string, unknown>;
  lr: number;
  weightDecay: number;
  /** The parameters this optimiser owns are frozen (seed: `freeze_parameters`). */
  freeze: boolean;
  scheduler: SchedulerSettings;
}

export interface LoraSettings {
  rank: number;
  alpha: number;
  /** Freeze the wrapped layer's own weights and train only the adapter. */
  freezeBase: boolean;
}

export interface ResolvedTask {
  name: string;
  kind: TaskKind;
  /** Head registry id (`headType(head)`), e.g. 'regression', 'rnn', 'kernel_regression'. */
  head: string;
  /** The attributes column holding the targets. */
  column: string;
  /** Sequences: the list column of x values; null = 0, 1, 2, …. */
  stepsColumn: string | null;
  /** Static loss weight w_t. */
  weight: number;
  enabled: boolean;
  /** Keep-ratio of the task's labelled training rows, in (0, 1]. */
  maskingRatio: number;
  /** Regression and curves: the range predictions are kept inside (`auto`: 0 below when every training label is ≥ 0); classification: both null. */
  bounds: { lower: number | typeof AUTO_BOUND | null; upper: number | null };
  /**
   * Regression and curves: the unit of the labels as the user confirmed it (`unit:`); null = none; absent = the
   * config does not say (an export then proposes one from the column name, and says so).
   */
  unit?: string | null;
  optimizer: OptimizerSettings;
  /** LoRA adapter on the head, or null for none. */
  lora: LoraSettings | null;
  /** Regression: the output width the config declares (last entry of the seed's `dims`), checked against the data; null = from the data. */
  outputWidth: number | null;
  /** Classification: the class count the config declares, checked against the data; null = from the data. */
  numClasses: number | null;
  /** Classification: a loss weight per class, in class order. */
  classWeights: number[] | null;
  /** The head's own options, snake_case as in the config, parsed by the head's schema (defaults filled). */
  headOptions: Record<string, unknown>;
}

export interface ResolvedModel {
  /** Formula-descriptor width; 'auto' = the featurizer's or the descriptor file's column count. */
  inputDim: number | 'auto';
  /** Widths after the input (the rest of `shared_block_dims`). */
  hiddenDims: number[];
  depositDim: number;
  activation: (typeof ACTIVATIONS)[number];
  norm: boolean;
  residual: boolean;
  dropout: number;
  /** The structure branch (`with_structure`), fused into the formula branch by a gate. */
  structure: { inputDim: number | 'auto'; hiddenDims: number[] } | null;
  selfSupervised: {
    enabled: boolean;
    weights: { mfm: number; contrastive: number; crossRecon: number };
    maskRatio: number;
    temperature: number;
    /** Probability of dropping the structure input for a step. */
    modalityDropoutP: number;
  };
  /** The shared block's (encoder + deposit) optimiser; `freeze` freezes the encoder. */
  encoderOptimizer: OptimizerSettings;
  /** LoRA adapters on the encoder's dense layers (its base weights then stay frozen), or null. */
  lora: { rank: number; alpha: number } | null;
  /** Element-token attention in front of the formula MLP (`encoder: { type: attention }`), or null for the plain MLP. */
  elements: ResolvedElementAttention | null;
}

export interface ResolvedElementAttention {
  /** Element table of the tokens (a featurizer id). */
  table: FeaturizerId;
  dModel: number;
  heads: number;
  layers: number;
  dimFeedforward: number;
  fractionFrequencies: number;
  withDescriptors: boolean;
}

/** One attributes table of a joined run, with the columns that identify its materials. */
export type ResolvedAttributeSource = ResolvedSource & {
  /** How task columns are qualified (`name.column`) when two tables share a column name: the table's name, or the file's stem. */
  name: string;
  formulaColumn: string | null;
  idColumn: string | null;
};

/** How several attribute tables become one row per material (data/join). */
export interface ResolvedJoin {
  /** Every attributes table, the first being `attributes`. */
  sources: ResolvedAttributeSource[];
  on: (typeof JOIN_KEYS)[number];
  duplicates: (typeof DUPLICATE_POLICIES)[number];
}

export interface ResolvedData {
  /** Precomputed formula descriptors; null = featurize `formulaColumn` with `featurizer`. */
  formulaDescriptors: ResolvedSource | null;
  /** The attributes table; with several, the first of them (the one whose formula spelling wins). */
  attributes: ResolvedSource;
  /** Present exactly when the run joins two or more attribute tables. */
  join?: ResolvedJoin;
  structureDescriptors: ResolvedSource | null;
  formulaColumn: string | null;
  /** Non-null exactly when descriptors are computed from formulas. */
  featurizer: FeaturizerId | null;
  /** Joins descriptor files to the attributes; null = each file's first column (the seed's index column). */
  idColumn: string | null;
  /** The train/val/test label column, used when the attributes have it; null = always split at random. */
  splitColumn: string | null;
  batchSize: number;
  valSplit: number;
  testSplit: number;
  trainRandomSeed: number;
  testRandomSeed: number;
  testAll: boolean;
}

export interface ResolvedTrainer {
  maxEpochs: number;
  minEpochs: number;
  /** null = no clipping. */
  gradientClipVal: number | null;
  gradientClipAlgorithm: 'norm' | 'value';
  /** `monitor` may be `per_task` (every task's own), `patience` `auto` (scaled to the batches per epoch). */
  earlyStopping: { monitor: string; patience: number | 'auto'; minDelta: number; mode: 'min' | 'max' } | null;
  /** The metric that picks the best checkpoint; `per_task` keeps each task's best epoch. */
  checkpoint: { monitor: string; mode: 'min' | 'max' };
}

export interface ResolvedRunConfig {
  /** `experiment_name`, or null. */
  name: string | null;
  seed: number;
  backend: BackendRequest;
  /** The loss weighting strategy; its options are snake_case as in the config. */
  weighting: WeightingConfig;
  model: ResolvedModel;
  tasks: ResolvedTask[];
  data: ResolvedData;
  trainer: ResolvedTrainer;
  /** A deep ensemble of `size` members with conformal intervals of `coverage`; null = one model. */
  ensemble: { size: number; coverage: number } | null;
}

/** Values from command-line flags (`--max-epochs`, `--seed`, `--backend`), applied over the file's. */
export interface ConfigOverrides {
  maxEpochs?: number;
  seed?: number;
  backend?: BackendRequest;
}
