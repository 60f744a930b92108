import { describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { createWeighting, weightingStrategy, weightings } from '../../../../../src-main/engine/train/weighting/index';
import { newStore } from './helpers';

describe('weighting registry', () => {
  it('lists each strategy once by id, with options whose defaults parse from nothing', () => {
    expect(Object.keys(weightings)).toEqual(['static', 'uncertainty', 'task_sampling', 'gradnorm', 'dwa', 'pcgrad']);
    expect(weightingStrategy('uncertainty')!.options.parse({})).toEqual({ init_log_sigma: 0 });
    expect(weightingStrategy('toString')).toBeUndefined();
  });

  it('rejects unknown strategies, bad weights and bad options with actionable errors', () => {
    const store = newStore();
    const weights = new Map([['gap', 1]]);
    const fail = (args: Parameters<typeof createWeighting>[0]) => {
      try {
        createWeighting(args);
      } catch (e) {
        expect(e).toBeInstanceOf(CrucibleError);
        return (e as CrucibleError).describe();
      }
      throw new Error('expected an error');
    };
    expect(fail({ id: 'mgda', weights, store })).toMatch(/no loss weighting "mgda".*static, uncertainty, task_sampling, gradnorm, dwa, pcgrad/);
    expect(fail({ id: 'static', weights: new Map([['gap', -1]]), store })).toMatch(/"gap" has loss weight -1/);
    expect(fail({ id: 'static', weights: new Map([['gap', 0]]), store })).toMatch(/Every task has loss weight 0/);
    expect(fail({ id: 'uncertainty', weights, store, options: { init_log_sigma: 'x' } })).toMatch(/init_log_sigma/);
    expect(fail({ id: 'static', weights, store, options: { temperature: 2 } })).toMatch(/temperature/);
  });
});
