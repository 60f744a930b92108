/**
 * The settings a project trains its tasks with (the Train page's form, `crucible train --project`), kept in
 * project.json `defaults.training`. Pure: the API contract validates the form with this schema.
 */
import { z } from 'zod';
import { BACKENDS, DEFAULT_LEARNING_RATE } from '../vocabulary';

export const TrainSettingsSchema = z
  .object({
    name: z
      .string()
      .trim()
      .max(60)
      .regex(/^[A-Za-z0-9 ._-]*$/, 'Letters, digits, spaces, . _ - only.'),
    /** A weighting registry id (static, uncertainty, dwa, …). */
    strategy: z.string().min(1),
    backend: z.enum(BACKENDS),
    maxEpochs: z.number().int().min(1).max(10_000),
    /** null = no early stopping. */
    patience: z.number().int().min(1).max(1000).nullable(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    batchSize: z.number().int().min(1).max(65_536),
    /** Every optimiser group's rate (encoder and heads). */
    learningRate: z.number().gt(0).max(1),
    valSplit: z.number().min(0.01).max(0.5),
    testSplit: z.number().min(0.01).max(0.5),
    featurizer: z.string().min(1),
    /** Widths of the shared encoder after the input (the last is the deposit width). */
    sharedDims: z.array(z.number().int().min(1).max(4096)).min(1).max(8),
    /**
     * Models trained from different seeds whose mean predicts, with a spread and a calibrated interval; 1 = one model.
     * Defaults, because project files written before ensembles lack the field and must still open.
     */
    ensembleSize: z.number().int().min(1).max(32).default(1),
    /** The ensemble's intervals' target coverage on new data (0.9 = 90 %). */
    intervalCoverage: z.number().min(0.5).max(0.99).default(0.9),
  })
  .strict();
export type TrainSettings = z.infer<typeof TrainSettingsSchema>;

/** What a project trains with before anyone changes anything. */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  name: '',
  strategy: 'uncertainty',
  backend: 'auto',
  maxEpochs: 60,
  patience: 15,
  seed: 42,
  batchSize: 64,
  learningRate: DEFAULT_LEARNING_RATE.project,
  valSplit: 0.1,
  testSplit: 0.1,
  featurizer: 'magpie',
  sharedDims: [256, 128],
  ensembleSize: 1,
  intervalCoverage: 0.9,
};

/** Saved settings of an older or hand-edited file: each missing or invalid field replaced by its default. */
export function completeTrainSettings(saved: unknown): TrainSettings {
  const fields = TrainSettingsSchema.shape;
  const given = saved !== null && typeof saved === 'object' ? (saved as Record<string, unknown>) : {};
  return Object.fromEntries(
    (Object.keys(fields) as (keyof TrainSettings)[]).map((key) => {
      const parsed = fields[key].safeParse(given[key]);
      return [key, parsed.success ? parsed.data : DEFAULT_TRAIN_SETTINGS[key]];
    }),
  ) as TrainSettings;
}
