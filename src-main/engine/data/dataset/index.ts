/** Public surface of dataset assembly: columns in, split / masked / scaled / batched training set out. */
export * from './types';
export type { Column, ColumnTable, RowOrigin } from './columns';
export type { TaskSpec } from './targets';
export { assembleTrainingSet, type AssembleInput, type DescriptorMatrix } from './assemble';
export { assignSplits, parseSplitLabel, type SplitInput, type SplitOptions, type SplitResult } from './split';
export { taskKeepMasks, validateMaskingRatios, type TaskKeepMasks, type TaskMaskingOptions } from './masking';
export {
  applyScaling,
  fitScaling,
  standardize,
  unstandardize,
  type NamedStandardizer,
  type ScalingParams,
  type Standardizer,
  type TaskScaling,
} from './scaling';
export { batchCount, iterateBatches, splitRows, type Batch, type BatchOptions, type BatchTask } from './batches';
