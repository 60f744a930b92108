import { describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { EarlyStopping } from '../../../../../src-main/engine/train/callbacks/early-stopping';

/** Feeds one monitored value per epoch; returns the epoch that asked to stop (or −1) and its reason. */
function run(stopper: EarlyStopping, values: number[], key = 'val_loss'): { stoppedAt: number; reason?: string } {
  for (let e = 0; e < values.length; e++) {
    const r = stopper.onEpochEnd(e, { loss: 1, [key]: values[e] });
    if (r) return { stoppedAt: e, reason: r.reason };
  }
  return { stoppedAt: -1 };
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement and reports the best epoch', () => {
    const s = new EarlyStopping({ patience: 2 });
    const { stoppedAt, reason } = run(s, [1, 0.9, 0.95, 0.91, 0.5]);
    expect(stoppedAt).toBe(3);
    expect(s.bestEpoch).toBe(1);
    expect(s.bestValue).toBe(0.9);
    expect(reason).toBe('Early stopping: val_loss has not improved for 2 epochs (best 0.9000 at epoch 2).');
  });

  it('resets its patience on every improvement', () => {
    const s = new EarlyStopping({ patience: 2 });
    expect(run(s, [5, 6, 4, 6, 3, 6, 2]).stoppedAt).toBe(-1);
    expect(s.bestEpoch).toBe(6);
  });

  it('counts only improvements larger than min_delta', () => {
    const s = new EarlyStopping({ patience: 2, minDelta: 0.1 });
    // 0.95 and 0.92 beat 1 by less than 0.1.
    expect(run(s, [1, 0.95, 0.92, 0.5]).stoppedAt).toBe(2);
    expect(s.bestEpoch).toBe(0);
  });

  it('maximises R²-like monitors in auto mode, and NaN never counts as an improvement', () => {
    const s = new EarlyStopping({ monitor: 'val_gap_r2', patience: 2 });
    expect(run(s, [0.2, 0.5, NaN, 0.4], 'val_gap_r2').stoppedAt).toBe(3);
    expect(s.bestEpoch).toBe(1);
    const explicitMin = new EarlyStopping({ monitor: 'val_gap_r2', mode: 'min', patience: 1 });
    expect(run(explicitMin, [0.2, 0.5], 'val_gap_r2').stoppedAt).toBe(1);
  });

  it('resumes from a JSON round trip of its state', () => {
    const values = [1, 0.9, 0.95, 0.91, 0.92, 0.93];
    const a = new EarlyStopping({ patience: 3 });
    run(a, values.slice(0, 3));
    const b = new EarlyStopping({ patience: 3 });
    b.loadState(JSON.parse(JSON.stringify(a.state())));
    expect(b.onEpochEnd(3, { val_loss: values[3] })).toBeUndefined();
    expect(b.onEpochEnd(4, { val_loss: values[4] })?.reason).toMatch(/not improved for 3 epochs/);
  });

  it('names the missing monitor and the keys available', () => {
    const s = new EarlyStopping();
    expect(() => s.onEpochEnd(0, { loss: 1 })).toThrow(CrucibleError);
    try {
      s.onEpochEnd(0, { loss: 1 });
    } catch (e) {
      expect((e as CrucibleError).describe()).toBe(
        'The monitored value "val_loss" is not among the epoch logs. Monitor one of: loss (val_ keys need a validation split).',
      );
    }
  });
});
