import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { Rng } from '../../../../../src-main/engine/util/random';
import { createWeighting } from '../../../../../src-main/engine/train/weighting/index';
import { disposeAll, newStore, rawLosses } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('task sampling (DeePMD-kit multi-task)', () => {
  const weights = new Map([
    ['a', 3],
    ['b', 1],
    ['off', 0],
    ['d', 2],
  ]);
  const create = () => createWeighting({ id: 'task_sampling', weights, store: newStore() });

  it('trains one task per step, drawn in proportion to the weights (chi-square, 2 degrees of freedom)', () => {
    const w = create();
    const rng = new Rng(2024);
    const n = 6000;
    const counts = new Map<string, number>();
    for (let step = 0; step < n; step++) {
      const picked = w.selectTasks(step, rng, ['a', 'b', 'off', 'd']);
      expect(picked).toHaveLength(1);
      counts.set(picked[0], (counts.get(picked[0]) ?? 0) + 1);
    }
    expect(counts.has('off')).toBe(false);
    const expected = { a: (3 / 6) * n, b: (1 / 6) * n, d: (2 / 6) * n };
    const chi2 = Object.entries(expected).reduce((acc, [t, e]) => acc + ((counts.get(t) ?? 0) - e) ** 2 / e, 0);
    // 13.8 is the 0.999 quantile of χ²(2); the seeded stream makes the outcome fixed, not flaky.
    expect(chi2).toBeLessThan(13.8);
  });

  it('draws only among tasks with labels in the batch, and none when no task has labels', () => {
    const w = create();
    const rng = new Rng(5);
    const seen = new Set<string>();
    for (let step = 0; step < 200; step++) seen.add(w.selectTasks(step, rng, ['b', 'off'])[0]);
    expect([...seen]).toEqual(['b']);
    expect(w.selectTasks(0, rng, [])).toEqual([]);
    expect(w.selectTasks(0, rng, ['off'])).toEqual([]);
  });

  it('is reproducible from the seed', () => {
    const draw = () => {
      const w = create();
      const rng = new Rng(99);
      return Array.from({ length: 50 }, (_, s) => w.selectTasks(s, rng, ['a', 'b', 'd'])[0]);
    };
    expect(draw()).toEqual(draw());
  });

  it("returns the sampled task's raw loss, and the sampling expectation over several tasks", () => {
    const w = create();
    const one = rawLosses({ b: 4.5 });
    expect(w.combine(one).dataSync()[0]).toBeCloseTo(4.5, 6);
    const two = rawLosses({ a: 1, d: 4 });
    expect(w.combine(two).dataSync()[0]).toBeCloseTo((3 * 1 + 2 * 4) / 5, 6);
    expect(w.logs()).toEqual({ a_weight: 0.5, b_weight: 1 / 6, d_weight: 1 / 3 });
    disposeAll(one);
    disposeAll(two);
  });
});
