/**
 * ensemble.json of an ensemble's run folder (studies/ensemble/train-ensemble.ts writes it): the member run folders
 * and each calibrated task's conformal calibration, which an exported bundle builds into its graph.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CrucibleError } from '../errors';
import { describeIssues } from '../util/zod-issues';

export const ENSEMBLE_FILE = 'ensemble.json';
export const MEMBERS_DIR = 'members';

export const CalibrationSchema = z.object({
  /** The target coverage, e.g. 0.9. */
  coverage: z.number().gt(0).lt(1),
  /** The score quantile; null when there were too few calibration rows for the coverage (unbounded intervals). */
  q: z.number().nonnegative().nullable(),
  /** Added to every spread (units of the task). */
  epsilon: z.number().positive(),
  /** Labelled calibration rows used. */
  rows: z.number().int().nonnegative(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export const EnsembleRecordSchema = z.object({
  size: z.number().int().min(2),
  coverage: z.number().gt(0).lt(1),
  /** Member run folders relative to the ensemble's, in order, with their seeds. */
  members: z.array(z.object({ dir: z.string().regex(/^members\/member-\d+$/), seed: z.number().int() })).min(2),
  /** Per single-output regression task. */
  calibration: z.record(z.string(), CalibrationSchema),
});
export type EnsembleRecord = z.infer<typeof EnsembleRecordSchema>;

/** The run folder's ensemble.json, or null when the run trained one model. */
export async function readEnsembleRecord(runDir: string): Promise<EnsembleRecord | null> {
  const file = join(runDir, ENSEMBLE_FILE);
  if (!existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new CrucibleError('bad-input', `${file} is not valid JSON (${(e as Error).message}).`, { location: { file }, hint: 'Train the ensemble again.' });
  }
  const parsed = EnsembleRecordSchema.safeParse(data);
  if (!parsed.success) throw new CrucibleError('bad-input', `${file} is not an ensemble record: ${describeIssues(parsed.error)}.`, { location: { file } });
  return parsed.data;
}
