import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../../../../src-main/engine/train/optim/schedulers/index';
import { lrSequence } from './helpers';

describe('step scheduler (StepLR)', () => {
  it('multiplies the rate by gamma every step_size epochs (PyTorch docs example shape)', () => {
    // PyTorch: lr = 0.05 if epoch < 30, 0.005 if 30 ≤ epoch < 60, …; here step_size 2, gamma 0.5.
    const s = createScheduler('step', { step_size: 2, gamma: 0.5 }, { baseLr: 0.1, epochs: 6 });
    expect(lrSequence(s, 6)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });

  it('resumes from its state', () => {
    const a = createScheduler('step', { step_size: 3 }, { baseLr: 1, epochs: 9 });
    lrSequence(a, 4);
    const b = createScheduler('step', { step_size: 3 }, { baseLr: 1, epochs: 9 });
    b.loadState(JSON.parse(JSON.stringify(a.state())));
    expect(lrSequence(b, 5)).toEqual(lrSequence(a, 5));
    expect(b.lr()).toBeCloseTo(0.001, 12);
  });
});
