import { describe, expect, it } from 'vitest';
import { CallbackList, EarlyStopping, NanGuard, type TrainingCallback } from '../../../../../src-main/engine/train/callbacks/index';

describe('CallbackList', () => {
  it('calls every hook in order, awaiting async ones; absent hooks are no-ops', async () => {
    const calls: string[] = [];
    const slow: TrainingCallback = {
      onTrainBegin: async () => void calls.push('a:begin'),
      onEpochEnd: async (e) => {
        await new Promise((r) => setTimeout(r, 1));
        calls.push(`a:end${e}`);
      },
    };
    const fast: TrainingCallback = { onEpochEnd: (e) => void calls.push(`b:end${e}`), onTrainEnd: (i) => void calls.push(`b:train-end${i.lastEpoch}`) };
    const list = new CallbackList([slow, fast, {}]);
    await list.trainBegin({ epochs: 1, startEpoch: 0, batchesPerEpoch: 1 });
    await list.epochBegin(0);
    expect(await list.batchEnd(0, { batch: 0, size: 1 })).toBeUndefined();
    expect(await list.epochEnd(0, { loss: 1 })).toBeUndefined();
    await list.trainEnd({ lastEpoch: 0 });
    expect(calls).toEqual(['a:begin', 'a:end0', 'b:end0', 'b:train-end0']);
  });

  it('lets every callback see the epoch, and prefers a failing stop over a plain one', async () => {
    const early = new EarlyStopping({ monitor: 'loss', patience: 1 });
    const seen: number[] = [];
    const list = new CallbackList([early, new NanGuard(), { onEpochEnd: (e) => void seen.push(e) }]);
    expect(await list.epochEnd(0, { loss: 1 })).toBeUndefined();
    const stop = await list.epochEnd(1, { loss: 2, val_loss: NaN });
    expect(stop?.error?.message).toMatch(/val_loss became NaN in epoch 2/);
    expect(seen).toEqual([0, 1]);
    expect((await list.epochEnd(2, { loss: 3 }))?.reason).toMatch(/^Early stopping/);
  });

  it('saves and restores the callbacks’ states by position', async () => {
    const make = () => new CallbackList([new NanGuard(), new EarlyStopping({ monitor: 'loss', patience: 2 })]);
    const a = make();
    await a.epochEnd(0, { loss: 1 });
    await a.epochEnd(1, { loss: 2 });
    const state = JSON.parse(JSON.stringify(a.state()));
    expect(state[0]).toBeNull();
    const b = make();
    b.loadState(state);
    expect((await b.epochEnd(2, { loss: 2 }))?.reason).toMatch(/best 1\.000 at epoch 1/);
  });
});
