import { describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../../../src-main/engine/errors';
import { createScheduler } from '../../../../../../src-main/engine/train/optim/schedulers/index';
import { lrSequence } from './helpers';

// Epoch values: improves twice, flat for 4 epochs, improves, then flat again.
const losses = [10, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8];

describe('reduce-on-plateau scheduler (ReduceLROnPlateau)', () => {
  it('cuts the rate after more than `patience` bad epochs, then waits out the cooldown (PyTorch semantics)', () => {
    // PyTorch with factor 0.5, patience 2, cooldown 1: epochs 2-4 are bad (the third exceeds patience:
    // cut after epoch 4); epoch 5 is bad but in cooldown (not counted); epoch 6 improves; 7-9 bad: cut after 9.
    const s = createScheduler('reduce_on_plateau', { factor: 0.5, patience: 2, cooldown: 1 }, { baseLr: 1, epochs: 11 });
    expect(lrSequence(s, 11, (e) => losses[e])).toEqual([1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]);
  });

  it('never goes below min_lr, and ignores improvements smaller than the relative threshold', () => {
    const s = createScheduler('reduce_on_plateau', { factor: 0.5, patience: 0, min_lr: 0.3, threshold: 0.1 }, { baseLr: 1, epochs: 5 });
    // 9.5 is not below 10·(1 − 0.1) = 9, so every epoch after the first is bad.
    expect(lrSequence(s, 5, (e) => [10, 9.5, 9.2, 9.1, 9.05][e])).toEqual([1, 1, 0.5, 0.3, 0.3]);
  });

  it('in mode max with an absolute threshold, watches for increases', () => {
    const s = createScheduler(
      'reduce_on_plateau',
      { monitor: 'val_gap_r2', mode: 'max', threshold_mode: 'abs', threshold: 0.01, patience: 1, factor: 0.1 },
      { baseLr: 1, epochs: 5 },
    );
    // 0.505 is not above 0.5 + 0.01: bad; 0.52 improves; 0.525 and 0.529 bad → cut after the fifth epoch.
    expect(lrSequence(s, 6, (e) => [0.5, 0.505, 0.52, 0.525, 0.529, 0.6][e], 'val_gap_r2')).toEqual([1, 1, 1, 1, 1, expect.closeTo(0.1, 12)]);
  });

  it('counts a NaN as a bad epoch', () => {
    const s = createScheduler('reduce_on_plateau', { patience: 0 }, { baseLr: 1, epochs: 3 });
    expect(lrSequence(s, 3, (e) => [NaN, 1, NaN][e])).toEqual([1, expect.closeTo(0.1, 12), expect.closeTo(0.1, 12)]);
    expect(s.lr()).toBeCloseTo(0.01, 12);
  });

  it('resumes from a JSON round trip of its state (best starts as null, not inf)', () => {
    const opts = { factor: 0.5, patience: 2, cooldown: 1 };
    const fresh = createScheduler('reduce_on_plateau', opts, { baseLr: 1, epochs: 11 });
    expect(fresh.state().best).toBeNull();
    const straight = lrSequence(createScheduler('reduce_on_plateau', opts, { baseLr: 1, epochs: 11 }), 11, (e) => losses[e]);
    const first = createScheduler('reduce_on_plateau', opts, { baseLr: 1, epochs: 11 });
    const head = lrSequence(first, 5, (e) => losses[e]);
    const second = createScheduler('reduce_on_plateau', opts, { baseLr: 1, epochs: 11 });
    second.loadState(JSON.parse(JSON.stringify(first.state())));
    const tail = lrSequence(second, 6, (e) => losses[e + 5]);
    expect([...head, ...tail]).toEqual(straight);
  });

  it('names the missing monitor and the keys it could use instead', () => {
    const s = createScheduler('reduce_on_plateau', {}, { baseLr: 1, epochs: 3 });
    expect(() => s.step({ loss: 1, lr_encoder: 1 })).toThrow(CrucibleError);
    expect(() => s.step({ loss: 1, lr_encoder: 1 })).toThrow(/monitors "val_task_loss"/);
  });
});
