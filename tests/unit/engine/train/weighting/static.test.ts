import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { Rng } from '../../../../../src-main/engine/util/random';
import { createWeighting } from '../../../../../src-main/engine/train/weighting/index';
import { disposeAll, newStore, rawLosses } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('static weighting', () => {
  const weights = new Map([
    ['gap', 1],
    ['metal', 0.5],
    ['dropped', 0],
  ]);

  it('sums wₜ·Lₜ over the tasks present', () => {
    const w = createWeighting({ id: 'static', weights, store: newStore() });
    const losses = rawLosses({ gap: 2, metal: 4 });
    const total = w.combine(losses);
    expect(total.dataSync()[0]).toBeCloseTo(2 + 0.5 * 4, 6);
    const onlyGap = rawLosses({ gap: 3 });
    expect(w.combine(onlyGap).dataSync()[0]).toBeCloseTo(3, 6);
    disposeAll(losses);
    disposeAll(onlyGap);
  });

  it('drops a task whose weight is 0: never selected, ignored by combine, not logged', () => {
    const w = createWeighting({ id: 'static', weights, store: newStore() });
    expect(w.tasks).toEqual(['gap', 'metal']);
    expect(w.selectTasks(0, new Rng(1), ['dropped', 'metal', 'gap'])).toEqual(['gap', 'metal']);
    const losses = rawLosses({ gap: 2, metal: 4, dropped: 1000 });
    expect(w.combine(losses).dataSync()[0]).toBeCloseTo(4, 6);
    expect(w.logs()).toEqual({ gap_weight: 1, metal_weight: 0.5 });
    disposeAll(losses);
  });

  it('gives 0 when no task has labels in the batch', () => {
    const w = createWeighting({ id: 'static', weights, store: newStore() });
    expect(w.selectTasks(0, new Rng(1), [])).toEqual([]);
    expect(w.combine(new Map()).dataSync()[0]).toBe(0);
  });
});
