/** Public surface of run configuration: the schema users write, loading and resolving it, and dumping it back. */
export * from './types';
export {
  RunConfigSchema,
  TaskConfigSchema,
  OptimizerConfigSchema,
  WeightingSchema,
  type RunConfig,
  type RunConfigInput,
  type TaskConfig,
  type OptimizerConfig,
  type WeightingConfig,
} from './schema';
export type { ConfigNotice } from './problems';
export { DEFAULT_SEED, loadConfig, parseConfigText, resolveRunConfig, type LoadConfigOptions, type ResolveOptions } from './resolve';
export { dumpResolvedConfig, toRunConfig } from './dump';
