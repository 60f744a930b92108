import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { createWeighting } from '../../../../../src-main/engine/train/weighting/index';
import { disposeAll, newStore, rawLosses } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

/** λₖ = K·exp(rₖ/T) / Σᵢ exp(rᵢ/T) (Liu et al. 2019, eq. 7). */
function lambdas(ratios: number[], temperature: number): number[] {
  const e = ratios.map((r) => Math.exp(r / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => (ratios.length * x) / sum);
}

describe('DWA', () => {
  const weights = new Map([
    ['a', 1],
    ['b', 2],
  ]);

  it('uses λ = 1 for the first two epochs, then the formula on the last two epochs’ loss ratios', () => {
    const store = newStore();
    const w = createWeighting({ id: 'dwa', weights, store, options: { temperature: 2 } });
    const losses = rawLosses({ a: 3, b: 5 });
    expect(w.logs()).toEqual({ a_weight: 1, b_weight: 2 });
    expect(w.combine(losses).dataSync()[0]).toBeCloseTo(3 + 2 * 5, 5);
    w.onEpochEnd(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(w.logs()).toEqual({ a_weight: 1, b_weight: 2 });
    w.onEpochEnd(
      new Map([
        ['a', 1],
        ['b', 0.9],
      ]),
    );
    const [la, lb] = lambdas([1 / 2, 0.9 / 1], 2);
    expect(la + lb).toBeCloseTo(2, 6);
    expect(lb).toBeGreaterThan(la); // b's loss fell slower
    expect(w.logs().a_weight).toBeCloseTo(la, 6);
    expect(w.logs().b_weight).toBeCloseTo(2 * lb, 6);
    expect(w.combine(losses).dataSync()[0]).toBeCloseTo(la * 3 + 2 * lb * 5, 5);
    // One more epoch: the window slides to (epoch 1, epoch 2).
    w.onEpochEnd(
      new Map([
        ['a', 0.8],
        ['b', 0.3],
      ]),
    );
    const [la2] = lambdas([0.8 / 1, 0.3 / 0.9], 2);
    expect(w.logs().a_weight).toBeCloseTo(la2, 6);
    disposeAll(losses);
  });

  it('lets a high temperature flatten the weights, and keeps a task’s history through an epoch without its labels', () => {
    const store = newStore();
    const hot = createWeighting({
      id: 'dwa',
      weights: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      store,
      options: { temperature: 1e6 },
    });
    hot.onEpochEnd(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    hot.onEpochEnd(
      new Map([
        ['a', 1],
        ['b', 4],
      ]),
    );
    expect(hot.logs().a_weight).toBeCloseTo(1, 5);

    const other = createWeighting({
      id: 'dwa',
      weights: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      store: newStore(),
    });
    other.onEpochEnd(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    other.onEpochEnd(new Map([['a', 1]]));
    expect(other.logs()).toEqual({ a_weight: 1, b_weight: 1 });
    other.onEpochEnd(new Map([['b', 0.5]]));
    const [la, lb] = lambdas([1 / 2, 0.5 / 1], 2);
    expect(other.logs().a_weight).toBeCloseTo(la, 6);
    expect(other.logs().b_weight).toBeCloseTo(lb, 6);
  });

  it('restores its epoch losses when created again over the same store (resume)', () => {
    const store = newStore();
    const w = createWeighting({ id: 'dwa', weights, store });
    w.onEpochEnd(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    w.onEpochEnd(
      new Map([
        ['a', 1],
        ['b', 0.9],
      ]),
    );
    const again = createWeighting({ id: 'dwa', weights, store });
    expect(again.logs()).toEqual(w.logs());
    expect(store.trainable()).toEqual([]);
    // A resumed run creates the strategy first and loads the checkpoint's values afterwards.
    const resumedStore = newStore();
    const resumed = createWeighting({ id: 'dwa', weights, store: resumedStore });
    resumedStore.load(store.snapshot());
    expect(resumed.logs()).toEqual(w.logs());
  });
});
