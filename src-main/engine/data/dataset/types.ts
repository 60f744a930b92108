/**
 * The in-memory training set the trainer consumes: row-major typed arrays, one per quantity, so batches
 * are gathered with typed-array copies and never with per-row objects.
 */

import type { TaskKind } from '../../vocabulary';

export type { TaskKind };

/** Split codes stored in {@link TrainingSet.split}. */
export const SPLIT_TRAIN = 0;
export const SPLIT_VAL = 1;
export const SPLIT_TEST = 2;
export type SplitCode = typeof SPLIT_TRAIN | typeof SPLIT_VAL | typeof SPLIT_TEST;
export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** The targets of one task over all rows. Every array is row-major with `width` entries per row. */
export interface TaskData {
  name: string;
  kind: TaskKind;
  /** The attributes column the targets came from. */
  column: string;
  /**
   * Entries per row: 1 for classification and scalar regression, the vector length for vector regression,
   * and the longest curve's length for sequences (shorter curves are padded with mask 0).
   */
  width: number;
  /** n × width targets; 0 where masked. Classification stores the class index (0..numClasses-1). */
  targets: Float32Array;
  /** n × width; 1 where the target is known, 0 for missing labels, missing curve points and padding. */
  mask: Uint8Array;
  /** n; 1 where the row has at least one known target for this task (derived from `mask`). */
  valid: Uint8Array;
  /** Sequences: n × width, each row's own x-grid (its steps column, or 0..L−1), padded with 0. */
  steps?: Float32Array;
  /** Sequences: the number of grid points of each row (0 for a row with neither curve nor grid). */
  lengths?: Uint32Array;
  /** Sequences: the x-grid column, when one was given. */
  stepsColumn?: string;
  /** Classification: the label of each class index, in index order (kept for exporting predictions). */
  classes?: string[];
}

/** Optional structure descriptors; rows without a structure have `hasStructure` 0 and zeros as values. */
export interface StructureData {
  names: string[];
  /** n × names.length, row-major; NaN marks a missing value inside a known structure (imputed by scaling). */
  values: Float32Array;
  hasStructure: Uint8Array;
}

/**
 * Each row's formula as element tokens, for encoders that read elements rather than descriptors: up to
 * `maxElements` (element, fraction) pairs per row in formula order, padded with element 0 and fraction 0.
 * A token's features are its element's row of `table`, looked up when a batch is built.
 */
export interface CompositionData {
  /** Tokens per row: the largest element count of any row. */
  maxElements: number;
  /** n × maxElements atomic numbers; 0 = padding. */
  elements: Uint8Array;
  /** n × maxElements atomic fractions (each row sums to 1); 0 at padding. */
  fractions: Float32Array;
  table: ElementTokenTable;
}

/** The fixed per-element features tokens carry (an element table, standardised per property). */
export interface ElementTokenTable {
  /** Element table id (a featurizer id, e.g. `mat2vec`) and the sha-256 of its file. */
  id: string;
  sha256: string;
  /** Features per element. */
  width: number;
  /** (MAX_ATOMIC_NUMBER + 1) × width; row z holds element z, row 0 (padding) is zeros. */
  values: Float32Array;
  /** `present[z]` is 1 when the table has element z. */
  present: Uint8Array;
}

/** What assembly did to the input rows, for the user to read. */
export interface AssemblyReport {
  inputRows: number;
  /** Rows dropped because none of their descriptors is a number (e.g. a formula that could not be featurized). */
  droppedRows: { row: number; id: string; formula: string }[];
  /** Missing (NaN) descriptor values kept in the kept rows; scaling imputes them with the training mean. */
  missingFeatureValues: number;
  /** Descriptor columns with missing values, and how many. */
  featuresWithMissing: { name: string; missing: number }[];
  /** Kept rows with no known target for any task (still kept: they can be predicted). */
  unlabeledRows: number;
  /** Per task: rows with a known target. */
  taskRows: { name: string; validRows: number }[];
  warnings: string[];
}

/** Rows of one data set ready for training, with the split already assigned. */
export interface TrainingSet {
  /** Row count. */
  n: number;
  featureNames: string[];
  /** n × featureNames.length, row-major; NaN marks a missing descriptor value (imputed by scaling). */
  features: Float32Array;
  structure?: StructureData;
  /** Element tokens, present when the model's encoder reads them. */
  composition?: CompositionData;
  ids: string[];
  formulas: string[];
  /** The grouping key of each row (canonical formula): rows of one group never straddle splits. */
  groups: string[];
  /** The 1-based spreadsheet row each row came from, for messages. */
  rowNumbers: Uint32Array;
  tasks: TaskData[];
  /** n split codes: {@link SPLIT_TRAIN}, {@link SPLIT_VAL} or {@link SPLIT_TEST}. */
  split: Uint8Array;
  report: AssemblyReport;
}
