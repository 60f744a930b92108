import { describe, expect, it } from 'vitest';
import type { CrucibleError } from '../../../../../../src-main/engine/errors';
import { createScheduler, schedulers } from '../../../../../../src-main/engine/train/optim/schedulers/index';
import { lrSequence } from './helpers';

describe('scheduler registry', () => {
  it('has none, step, cosine and reduce_on_plateau', () => {
    expect(Object.keys(schedulers)).toEqual(['none', 'step', 'cosine', 'reduce_on_plateau']);
  });

  it("'none' keeps the configured rate", () => {
    expect(lrSequence(createScheduler('none', undefined, { baseLr: 0.003, epochs: 4 }), 4)).toEqual([0.003, 0.003, 0.003, 0.003]);
  });

  it('rejects unknown schedulers and invalid options with the names to fix', () => {
    const described = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as CrucibleError).describe();
      }
    };
    expect(described(() => createScheduler('linear', {}, { baseLr: 1, epochs: 1 }))).toMatch(
      /no learning-rate scheduler "linear".*none, step, cosine, reduce_on_plateau/,
    );
    expect(() => createScheduler('step', { gamma: 2 }, { baseLr: 1, epochs: 1 })).toThrow(/scheduler "step" are invalid: gamma/);
    expect(() => createScheduler('cosine', { T_max: 3 }, { baseLr: 1, epochs: 1 })).toThrow(/T_max/);
  });
});
