import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../../../../src-main/engine/train/optim/schedulers/index';
import { lrSequence } from './helpers';

describe('cosine scheduler (CosineAnnealingLR)', () => {
  it('follows η_min + ½(η_max − η_min)(1 + cos(π·e/T_max)) and rises again after T_max like PyTorch', () => {
    const s = createScheduler('cosine', { t_max: 4, eta_min: 0.1 }, { baseLr: 1.1, epochs: 100 });
    const lrs = lrSequence(s, 7);
    const expected = [1.1, 0.1 + 0.5 * (1 + Math.SQRT1_2), 0.6, 0.1 + 0.5 * (1 - Math.SQRT1_2), 0.1, 0.1 + 0.5 * (1 - Math.SQRT1_2), 0.6];
    lrs.forEach((lr, e) => expect(lr).toBeCloseTo(expected[e], 12));
  });

  it('anneals over the run by default (T_max = epochs)', () => {
    const s = createScheduler('cosine', {}, { baseLr: 1, epochs: 10 });
    const lrs = lrSequence(s, 11);
    expect(lrs[5]).toBeCloseTo(0.5, 12);
    expect(lrs[10]).toBeCloseTo(0, 12);
  });
});
