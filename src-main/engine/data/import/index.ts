/** Public surface of data import: import a file into a project, preview files and tables, parse option specs. */
export { importFile } from './import-file';
export { importIntoStore } from './import-into-store';
export { previewFile, previewTable, DEFAULT_PREVIEW_ROWS, type FilePreview, type PreviewColumn, type TablePreview } from './preview';
export { parseCurveSpec, parseLongSpec } from './option-specs';
export { describeProblem, ImportProblemsError } from './problems';
export { importers, importerFor } from './registry';
export { SOURCE_EXTENSIONS, formatNames } from './formats';
export { defaultTableName } from './table-name';
export type { ImportOptions, ImportResult, Importer, LongSpec, Problem, Severity } from './types';
