/** The members of a model bundle, the rule every member name read from a zip must follow, and the size limits. */

/** The fixed layout of a bundle written by Crucible. */
export const MEMBERS = {
  manifest: 'manifest.json',
  model: 'model.onnx',
  readme: 'README.md',
  /** The TensorFlow.js parameters as a model-only Crucible checkpoint, for fine-tuning. */
  weights: 'weights/model.ckpt',
  /** The resolved run configuration the model was trained with. */
  config: 'training/config.yaml',
  /** One self-contained HTML page: metrics, plots and provenance, for reading without Crucible (format 2). */
  report: 'report.html',
  /** Predicts from formulas with Python, numpy and onnxruntime alone (format 2). */
  python: 'crucible_predict.py',
  /** The applicability domain: its rule's numbers and each task's training elements (run-folder/domain.ts). */
  domain: 'domain.json',
  /** Each row's distance to the sampled training rows, from the model's inputs (export/onnx/domain-graph.ts). */
  domainModel: 'domain.onnx',
} as const;

/** The file extension of bundles. */
export const BUNDLE_EXTENSION = '.crucible';

/** Sizes a bundle may not exceed; reading refuses a bundle (naming the member) before decompressing past them. */
export interface BundleLimits {
  /** The bundle file itself. */
  maxFileBytes: number;
  /** One member, uncompressed. */
  maxMemberBytes: number;
  /** All members together, uncompressed. */
  maxTotalBytes: number;
  maxMembers: number;
  /** Uncompressed ÷ compressed size of a member above `ratioFloorBytes` (zip bombs compress by 1000× and more). */
  maxRatio: number;
  ratioFloorBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: BundleLimits = {
  maxFileBytes: 1024 * MiB,
  maxMemberBytes: 1024 * MiB,
  maxTotalBytes: 2048 * MiB,
  maxMembers: 64,
  maxRatio: 100,
  ratioFloorBytes: MiB,
};

/**
 * Why `name` is not a safe member name, or null when it is: a relative path of plain segments that cannot
 * leave the folder it is unpacked into on any operating system (zip slip).
 */
export function memberNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > 200) return 'is longer than 200 characters';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  // eslint-disable-next-line no-control-regex -- control characters in a member name are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  const segments = name.split('/');
  if (segments.includes('..')) return 'climbs out of the bundle with ".."';
  if (segments.some((s) => s === '' || s === '.')) return 'has an empty or "." path segment';
  return null;
}
