/** The Train page's settings problems name the field as the form labels it and say what to enter, never the schema's words. */
import { describe, expect, it } from 'vitest';
import { TrainSettingsSchema, type TrainSettings } from '../../../src-main/api/contract';
import { DEFAULT_TRAIN_SETTINGS } from '../../../src-main/engine/project/train-settings';
import { TRAIN_FIELDS, fieldProblems } from '../../../src-renderer/src/lib/fields';

/** The problems of the default settings with `patch` typed over them (null: a number field left empty). */
const problems = (patch: Partial<Record<keyof TrainSettings, unknown>>) =>
  fieldProblems(TrainSettingsSchema, { ...DEFAULT_TRAIN_SETTINGS, ...patch }, TRAIN_FIELDS);

describe('settings problems in the words of the screen', () => {
  it('says what to enter for a number out of range, naming the field by its label', () => {
    expect(problems({ batchSize: 0 })).toEqual({ batchSize: 'Batch size must be a whole number of at least 1.' });
    expect(problems({ batchSize: 100_000 })).toEqual({ batchSize: 'Batch size must be a whole number of at most 65,536.' });
    expect(problems({ learningRate: 0 })).toEqual({ learningRate: 'Learning rate must be a number above 0.' });
    expect(problems({ valSplit: 0.9 })).toEqual({ valSplit: 'Validation fraction must be a number of at most 0.5.' });
    expect(problems({ ensembleSize: 40 })).toEqual({ ensembleSize: 'Ensemble must be a whole number of at most 32.' });
    expect(problems({ maxEpochs: 2.5 })).toEqual({ maxEpochs: 'Epochs must be a whole number.' });
  });

  it('asks for a number where a field was left empty (null, NaN or missing), never showing NaN', () => {
    for (const empty of [null, Number.NaN, undefined]) {
      expect(problems({ batchSize: empty })).toEqual({ batchSize: 'Enter a number for Batch size.' });
    }
    expect(problems({ intervalCoverage: null, seed: null })).toEqual({ intervalCoverage: 'Enter a number for Coverage.', seed: 'Enter a number for Seed.' });
  });

  it('speaks of the entries of a list field, and of its length', () => {
    expect(problems({ sharedDims: [256, 0] })).toEqual({ sharedDims: 'Each width of Shared encoder widths must be a whole number of at least 1.' });
    expect(problems({ sharedDims: [Number.NaN] })).toEqual({ sharedDims: 'Each width of Shared encoder widths must be a number.' });
    expect(problems({ sharedDims: [] })).toEqual({ sharedDims: 'Enter at least 1 width in Shared encoder widths.' });
    expect(problems({ sharedDims: Array(9).fill(8) })).toEqual({ sharedDims: 'Shared encoder widths takes at most 8 widths.' });
  });

  it('keeps a rule the schema words itself, said of the field, and names choices', () => {
    expect(problems({ name: 'a/b' })).toEqual({ name: 'Run name: letters, digits, spaces, . _ - only.' });
    expect(problems({ name: 'x'.repeat(61) })).toEqual({ name: 'Run name must be at most 60 characters.' });
    expect(problems({ backend: 'gpu' })).toEqual({ backend: 'Compute backend must be one of auto, tensorflow, wasm, cpu.' });
    expect(problems({ strategy: '' })).toEqual({ strategy: 'Loss weighting cannot be empty.' });
  });

  it('labels every setting the schema has, and no message mentions a key or zod', () => {
    expect(Object.keys(TRAIN_FIELDS).sort()).toEqual(Object.keys(TrainSettingsSchema.shape).sort());
    const all = problems({ batchSize: 0, learningRate: -1, seed: null, sharedDims: [0], patience: 0, maxEpochs: null, testSplit: 2 });
    expect(Object.keys(all)).toHaveLength(7);
    for (const message of Object.values(all)) {
      expect(message).not.toMatch(/batchSize|learningRate|sharedDims|maxEpochs|testSplit|expected|NaN|>=|<=/);
      expect(message).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('is silent on valid settings', () => {
    expect(problems({})).toEqual({});
  });
});
