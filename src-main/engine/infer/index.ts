/** Public surface of batch prediction: onnxruntime sessions, opening a model, and the predict job. */
export { openModel, type PredictionModel } from './model-source';
export { createModelSession, cudaUnavailableReason, PROVIDER_REQUESTS, type ModelSession, type ProviderRequest, type SessionOptions } from './ort-session';
export {
  DEFAULT_BATCH_SIZE,
  MAX_REPORTED_FAILURES,
  predictBatch,
  type PredictEvent,
  type PredictInput,
  type PredictSummary,
  type ReportedFailure,
} from './predict';
export { mergeShards, type MergeSummary } from './merge-shards';
export { incompleteShards, predictShard, type ShardResult } from './predict-shard';
export { SHARDS_SUFFIX, shardsDir } from './shard-output';
export { defaultOutputPath } from './write-output';
export { parseShardSpec, shardLabel, shardRows, type ShardSpec } from './shard-rows';
