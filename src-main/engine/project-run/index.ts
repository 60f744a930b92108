/** Public surface of project runs: the project's tables and task checks, its saved mapping and settings, planning and loading a run, its runs. */
export { checkTasks, requireValidTasks, type CheckedTable, type TaskCheck, type TaskProblem } from './check-tasks';
export { applyFineTune, describeSource, loadFineTuneSource, type FineTuneRequest, type FineTuneSource, type SourceView } from './fine-tune';
export { countLabelledRows, type LabelCounts, type SplitCounts, type TaskOverlap } from './label-counts';
export { projectTrainSettings, saveProjectTasks, saveTrainSettings } from './project-settings';
export { listProjectRuns, projectRunDir, projectRunReport, readProjectRunPredictions } from './project-runs';
export { describeTables, readProjectTables, type ProjectTable } from './project-tables';
export { buildRunConfig, projectRunConfig } from './run-config';
export { loadProjectRun, planProjectRun, type LoadedProjectRun, type ProjectRunPlan, type ProjectRunRequest } from './run-plan';
