import { describe, expect, it } from 'vitest';
import { assembleTrainingSet } from '../../../../../src-main/engine/data/dataset/assemble';
import { taskKeepMasks, validateMaskingRatios } from '../../../../../src-main/engine/data/dataset/masking';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { exptGapInput } from './fixtures';

const set = assembleTrainingSet(exptGapInput(1));
const [gap, metal] = set.tasks;
const trainValid = (valid: Uint8Array) => [...valid].filter((v, r) => v && set.split[r] === 0).length;

describe('taskKeepMasks', () => {
  it('keeps round(n_valid · ratio) labelled training rows and never touches other rows', () => {
    const [gapKeep, metalKeep] = taskKeepMasks(set, { ratios: { band_gap: 0.3 }, seed: 1 }, 0);
    expect(metalKeep).toBeNull();
    const nValid = trainValid(gap.valid);
    let kept = 0;
    for (let r = 0; r < set.n; r++) {
      if (gap.valid[r] && set.split[r] === 0) kept += gapKeep![r];
      else expect(gapKeep![r]).toBe(1);
    }
    expect(kept).toBe(Math.round(nValid * 0.3));
  });

  it('treats ratio 1 as keeping everything', () => {
    expect(taskKeepMasks(set, { ratios: { band_gap: 1, is_metal: 1 }, seed: 1 }, 0)).toEqual([null, null]);
  });

  it('is deterministic per (seed, task, epoch); redraws per epoch only when asked', () => {
    const opts = { ratios: { band_gap: 0.5, is_metal: 0.5 }, seed: 4 };
    const e0 = taskKeepMasks(set, opts, 0);
    expect(taskKeepMasks(set, opts, 0)).toEqual(e0);
    expect(taskKeepMasks(set, opts, 3)).toEqual(e0);
    expect(taskKeepMasks(set, { ...opts, seed: 5 }, 0)[0]).not.toEqual(e0[0]);
    const redraw = { ...opts, redrawEachEpoch: true };
    expect(taskKeepMasks(set, redraw, 0)).toEqual(e0);
    const e1 = taskKeepMasks(set, redraw, 1);
    expect(e1[0]).not.toEqual(e0[0]);
    expect(taskKeepMasks(set, redraw, 1)).toEqual(e1);
    // Two tasks with the same ratio draw independently (the task name is part of the seed).
    const both = [...e0[0]!].filter((k, r) => gap.valid[r] && metal.valid[r] && set.split[r] === 0 && k === e0[1]![r]).length;
    const overlap = [...e0[0]!].filter((_, r) => gap.valid[r] && metal.valid[r] && set.split[r] === 0).length;
    expect(both / overlap).toBeGreaterThan(0.4);
    expect(both / overlap).toBeLessThan(0.6);
  });

  it('refuses ratios outside (0, 1] and unknown task names with a suggestion', () => {
    for (const ratio of [0, -0.5, 1.5, Number.NaN]) {
      expect(() => validateMaskingRatios({ band_gap: ratio }, ['band_gap'])).toThrow(/must be above 0 and at most 1/);
    }
    try {
      taskKeepMasks(set, { ratios: { band_gp: 0.5 }, seed: 1 }, 0);
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(CrucibleError);
      expect((e as CrucibleError).hint).toBe('Did you mean "band_gap"?');
    }
  });
});
