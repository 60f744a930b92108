/** The fixed layout of a project folder. Every path is relative to the folder, so a project can be moved or copied. */
export const PROJECT_FILE = 'project.json';
export const DATA_FILE = 'data.duckdb';
export const RUNS_DIR = 'runs';
export const MODELS_DIR = 'models';
