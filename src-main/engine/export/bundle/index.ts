/** Public surface of model bundles: export a run, read and check a bundle, and a project's models. */
export { bundleFromRun, type BundleContents, type BundleFromRunOptions } from './bundle-from-run';
export { checkModelAgainstManifest, manifestInputs } from './check-model';
export { BUNDLE_FORMAT_VERSION, BundleManifestSchema, parseManifest, type BundleManifest, type ManifestTask } from './manifest';
export { BUNDLE_EXTENSION, DEFAULT_LIMITS, MEMBERS, memberNameProblem, type BundleLimits } from './members';
export { deleteModel, importModel, listModels, modelFile, modelPath, type ImportModelOptions, type ModelEntry } from './project-models';
export { decodeBundle, readBundle, readBundleBytes, readBundleManifest, type Bundle } from './read-bundle';
export { encodeBundle, exportBundle, type ExportOptions, type ExportResult } from './write-bundle';
