/** Public surface of run folders: their layout, the saved shapes, writing one and reading it back. */
export { EpochRecordSchema, flattenEpoch, structureEpoch, type EpochRecord, type FlatLogs, type LogVocabulary } from './epoch-record';
export { headerFromConfigText, runHeaderOf } from './header';
export { CHECKPOINTS_DIR, checkpointFile, RUN_FILES, type CheckpointKind } from './layout';
export { projectCurveSteps, readRunPredictions, stepsById, trainingSetSteps, type StepsLookup } from './read-predictions';
export { listRunSummaries, readRunDetails, readRunEvents, readRunHeader, readRunSummary, readText } from './read-run';
export { RunFolder, type RunEventInput } from './run-folder';
export * from './schemas';
export {
  CalibrationSchema,
  ENSEMBLE_FILE,
  EnsembleRecordSchema,
  MEMBERS_DIR,
  readEnsembleRecord,
  type Calibration,
  type EnsembleRecord,
} from './ensemble-record';
