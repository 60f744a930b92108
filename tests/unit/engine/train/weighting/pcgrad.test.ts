import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { createWeighting } from '../../../../../src-main/engine/train/weighting/index';
import { pcgradCoefficients } from '../../../../../src-main/engine/train/weighting/pcgrad';
import type { NamedGrads } from '../../../../../src-main/engine/train/weighting/weighting';
import { newStore } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

/** Two tasks sharing 'encoder.w' (2 values) with heads 'head.a.k' and 'head.b.k'. */
function combine(
  shared: Record<'a' | 'b', number[]>,
  weights = new Map([
    ['a', 1],
    ['b', 1],
  ]),
): Record<string, number[]> {
  const store = newStore();
  store.create('encoder.w', [2], 'zeros', 'encoder');
  const w = createWeighting({ id: 'pcgrad', weights, store });
  const perTask = new Map<string, NamedGrads>([
    ['a', { 'encoder.w': tf.tensor1d(shared.a), 'head.a.k': tf.tensor1d([2]) }],
    ['b', { 'encoder.w': tf.tensor1d(shared.b), 'head.b.k': tf.tensor1d([3]) }],
  ]);
  const out = tf.tidy(() =>
    w.combineGradients!(
      perTask,
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
      { rng: new Rng(1), shared: ['encoder.w'], lastSharedLayer: ['encoder.w'] },
    ),
  );
  const values = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.dataSync())]));
  tf.dispose([...Object.values(out), ...[...perTask.values()].flatMap((g) => Object.values(g))]);
  return values;
}

describe('PCGrad', () => {
  it('removes the conflicting component: a = [1, 0], b = [−1, 1] give a′ = [½, ½], b′ = [0, 1], step [½, 3/2]', () => {
    const out = combine({ a: [1, 0], b: [-1, 1] });
    expect(out['encoder.w']).toEqual([expect.closeTo(0.5, 6), expect.closeTo(1.5, 6)]);
    // a′ = a − (a·b/‖b‖²)·b is orthogonal to b, b′ to a: the step has no component against either task.
    expect(dot([0.5, 0.5], [-1, 1])).toBe(0);
    expect(dot([0, 1], [1, 0])).toBe(0);
    expect(dot(out['encoder.w'], [1, 0])).toBeGreaterThan(0);
    expect(dot(out['encoder.w'], [-1, 1])).toBeGreaterThan(0);
    // Heads keep their own task's gradient.
    expect(out['head.a.k']).toEqual([2]);
    expect(out['head.b.k']).toEqual([3]);
  });

  it('leaves agreeing gradients alone (their sum) and scales tasks by their static weights', () => {
    expect(combine({ a: [1, 0], b: [1, 1] })['encoder.w']).toEqual([2, 1]);
    const weighted = combine(
      { a: [1, 0], b: [-1, 1] },
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    // a = [2, 0], b = [−1, 1]: a′ = a + b = [1, 1], b′ = b + a/2 = [0, 1].
    expect(weighted['encoder.w']).toEqual([expect.closeTo(1, 6), expect.closeTo(2, 6)]);
    expect(weighted['head.a.k']).toEqual([4]);
  });

  it('equals Algorithm 1 on explicit vectors for three tasks in the same random order', () => {
    const rng = new Rng(5);
    const g = Array.from({ length: 3 }, () => Array.from({ length: 6 }, () => rng.normal()));
    const gram = g.map((x) => g.map((y) => dot(x, y)));
    const c = pcgradCoefficients(gram, new Rng(9));
    const order = new Rng(9);
    const expected = new Array<number>(6).fill(0);
    g.forEach((gi, i) => {
      const v = [...gi];
      for (const j of order.shuffle([0, 1, 2].filter((j) => j !== i))) {
        const d = dot(v, g[j]);
        if (d < 0) v.forEach((_, k) => (v[k] -= (d / dot(g[j], g[j])) * g[j][k]));
      }
      v.forEach((x, k) => (expected[k] += x));
    });
    const ours = expected.map((_, k) => c.reduce((s, ck, i) => s + ck * g[i][k], 0));
    ours.forEach((x, k) => expect(x).toBeCloseTo(expected[k], 10));
  });
});
