import { describe, expect, it } from 'vitest';
import { Checkpoint, type CheckpointKind } from '../../../../../src-main/engine/train/callbacks/checkpoint';

describe('Checkpoint', () => {
  it("saves 'best' when the monitor improves, then 'last' every epoch", async () => {
    const saved: Array<[CheckpointKind, number]> = [];
    const c = new Checkpoint({ save: async (kind, epoch) => void saved.push([kind, epoch]) });
    for (const [e, v] of [0.5, 0.4, 0.45, 0.3].entries()) await c.onEpochEnd(e, { val_loss: v });
    expect(saved).toEqual([
      ['best', 0],
      ['last', 0],
      ['best', 1],
      ['last', 1],
      ['last', 2],
      ['best', 3],
      ['last', 3],
    ]);
    expect(c.bestEpoch).toBe(3);
  });

  it('can keep only the best, and resumes its best value from state', async () => {
    const saved: number[] = [];
    const a = new Checkpoint({ monitor: 'val_acc_accuracy', saveLast: false, save: (_k, epoch) => void saved.push(epoch) });
    await a.onEpochEnd(0, { val_acc_accuracy: 0.7 });
    const b = new Checkpoint({ monitor: 'val_acc_accuracy', saveLast: false, save: (_k, epoch) => void saved.push(epoch) });
    b.loadState(JSON.parse(JSON.stringify(a.state())));
    await b.onEpochEnd(1, { val_acc_accuracy: 0.6 });
    await b.onEpochEnd(2, { val_acc_accuracy: 0.8 });
    expect(saved).toEqual([0, 2]);
  });
});
