/** Public surface of project workspaces: create, open and describe project folders. */
export { initProject, type InitOptions } from './init-project';
export { openProject, Project } from './project';
export { DATA_FILE, MODELS_DIR, PROJECT_FILE, RUNS_DIR } from './layout';
export { CURRENT_FORMAT_VERSION, type Curve, type LongFormat, type ProjectFile, type SourceFormat, type TableMeta, type TableRole } from './schema';
