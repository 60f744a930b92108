import { describe, expect, it } from 'vitest';
import { NanGuard } from '../../../../../src-main/engine/train/callbacks/nan-guard';

describe('NanGuard', () => {
  it('passes finite logs', () => {
    const g = new NanGuard();
    expect(g.onEpochEnd(0, { loss: 1, val_loss: 2 })).toBeUndefined();
    expect(g.onBatchEnd(0, { batch: 0, size: 32 })).toBeUndefined();
  });

  it('stops at the first non-finite epoch log with an error naming the key, the epoch and the fix', () => {
    const stop = new NanGuard().onEpochEnd(3, { loss: 0.5, train_gap_raw_loss: NaN, val_loss: Infinity });
    expect(stop?.error?.code).toBe('bad-config');
    expect(stop?.reason).toBe('Training diverged: train_gap_raw_loss became NaN in epoch 4.');
    expect(stop?.error?.hint).toMatch(/Lower the learning rate/);
  });

  it('checks batch logs when the loop provides them', () => {
    const stop = new NanGuard().onBatchEnd(0, { batch: 16, size: 32, logs: { loss: -Infinity } });
    expect(stop?.error?.message).toBe('Training diverged: loss became -Infinity in epoch 1, batch 17.');
  });
});
