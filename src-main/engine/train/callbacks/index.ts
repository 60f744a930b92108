/** The training callbacks, in one import. */
export * from './callback';
export { Checkpoint, type CheckpointKind, type CheckpointOptions } from './checkpoint';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping';
export { MonitorTracker, type MonitorOptions } from './monitor';
export { NanGuard } from './nan-guard';
export { ProgressReporter, type ProgressEvent, type ProgressReporterOptions } from './progress-reporter';
