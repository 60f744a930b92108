import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { createWeighting } from '../../../../../src-main/engine/train/weighting/index';
import { WEIGHTING_GROUP, type NamedGrads } from '../../../../../src-main/engine/train/weighting/weighting';
import { disposeAll, newStore, rawLosses } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Task gradients: 'encoder.deposit.kernel' is the last shared layer W, 'head.<t>.kernel' each task's head. */
function grads(w: number[], head: number, task: string): NamedGrads {
  return { 'encoder.deposit.kernel': tf.tensor1d(w), [`head.${task}.kernel`]: tf.tensor1d([head]) };
}

const step = { rng: new Rng(1), shared: ['encoder.deposit.kernel'], lastSharedLayer: ['encoder.deposit.kernel'] };

function combineOnce(w: ReturnType<typeof createWeighting>, perTask: Map<string, NamedGrads>, losses: Record<string, number>): Record<string, number[]> {
  const out = tf.tidy(() => w.combineGradients!(perTask, new Map(Object.entries(losses)), step));
  const values = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.dataSync())]));
  tf.dispose(Object.values(out));
  return values;
}

describe('GradNorm', () => {
  it('starts from the static weights scaled to sum to T, stored in the weighting group out of the optimiser’s reach', () => {
    const store = newStore();
    const w = createWeighting({
      id: 'gradnorm',
      weights: new Map([
        ['a', 1],
        ['b', 3],
      ]),
      store,
    });
    expect(w.logs()).toEqual({ a_weight: 0.5, b_weight: 1.5 });
    expect(store.spec('weighting.gradnorm_weight.a').group).toBe(WEIGHTING_GROUP);
    expect(store.trainable()).toEqual([]);
    const losses = rawLosses({ a: 2, b: 4 });
    expect(w.combine(losses).dataSync()[0]).toBeCloseTo(0.5 * 2 + 1.5 * 4, 6);
    disposeAll(losses);
  });

  it('applies Σ wᵢ·gᵢ and moves the weights by the hand-computed GradNorm step', () => {
    const store = newStore();
    const w = createWeighting({
      id: 'gradnorm',
      weights: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      store,
      options: { alpha: 1.5, lr: 0.025 },
    });
    // ‖∇_W L_a‖ = 5, ‖∇_W L_b‖ = 1; first step, so L(t)/L(0) = 1 and every target is Ḡ = (5 + 1)/2 = 3.
    const perTask = new Map([
      ['a', grads([3, 4], 2, 'a')],
      ['b', grads([0, 1], 7, 'b')],
    ]);
    const out = combineOnce(w, perTask, { a: 2, b: 1 });
    expect(out['encoder.deposit.kernel']).toEqual([expect.closeTo(3, 6), expect.closeTo(5, 6)]);
    expect(out['head.a.kernel']).toEqual([expect.closeTo(2, 6)]);
    expect(out['head.b.kernel']).toEqual([expect.closeTo(7, 6)]);
    // a: G = 5 > 3, w ← 1 − 0.025·5 = 0.875; b: G = 1 < 3, w ← 1 + 0.025·1 = 1.025; renormalised to sum 2.
    const logs = w.logs();
    expect(logs.a_weight).toBeCloseTo((0.875 * 2) / 1.9, 6);
    expect(logs.b_weight).toBeCloseTo((1.025 * 2) / 1.9, 6);
    // The next step uses the new weights.
    const next = combineOnce(w, perTask, { a: 2, b: 1 });
    expect(next['head.a.kernel'][0]).toBeCloseTo(2 * logs.a_weight, 5);
    for (const g of perTask.values()) tf.dispose(Object.values(g));
  });

  it('drives the weighted gradient norms on W toward equality', () => {
    const store = newStore();
    const w = createWeighting({
      id: 'gradnorm',
      weights: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      store,
    });
    const perTask = new Map([
      ['a', grads([3, 4], 1, 'a')],
      ['b', grads([0, 1], 1, 'b')],
    ]);
    const gap = () => Math.abs(w.logs().a_weight * 5 - w.logs().b_weight * 1);
    expect(gap()).toBe(4);
    const gaps = [];
    for (let i = 0; i < 40; i++) {
      combineOnce(w, perTask, { a: 2, b: 1 });
      gaps.push(gap());
    }
    expect(gaps[4]).toBeLessThan(gaps[0]);
    expect(Math.max(...gaps.slice(20))).toBeLessThan(0.8);
    const { a_weight, b_weight } = w.logs();
    expect(a_weight + b_weight).toBeCloseTo(2, 5);
    expect(a_weight).toBeLessThan(b_weight);
    for (const g of perTask.values()) tf.dispose(Object.values(g));
  });

  it('gives more weight to the task whose loss falls slower (asymmetry α)', () => {
    const store = newStore();
    const w = createWeighting({
      id: 'gradnorm',
      weights: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      store,
      options: { alpha: 1, lr: 0.1 },
    });
    const perTask = new Map([
      ['a', grads([1, 0], 1, 'a')],
      ['b', grads([0, 1], 1, 'b')],
    ]);
    combineOnce(w, perTask, { a: 2, b: 1 }); // records L(0); equal norms and rates leave the weights at 1
    expect(w.logs()).toEqual({ a_weight: 1, b_weight: 1 });
    // a has not improved (L̃ = 1), b halved (L̃ = 0.5): r_a = 4/3 > r_b = 2/3, so a's target exceeds G = 1 and b's falls below.
    combineOnce(w, perTask, { a: 2, b: 0.5 });
    expect(w.logs().a_weight).toBeCloseTo(1.1, 6);
    expect(w.logs().b_weight).toBeCloseTo(0.9, 6);
    for (const g of perTask.values()) tf.dispose(Object.values(g));
  });

  it('keeps its weights and first losses across a re-creation over the same store (resume)', () => {
    const store = newStore();
    const w = createWeighting({
      id: 'gradnorm',
      weights: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      store,
    });
    const perTask = new Map([
      ['a', grads([3, 4], 1, 'a')],
      ['b', grads([0, 1], 1, 'b')],
    ]);
    combineOnce(w, perTask, { a: 2, b: 1 });
    const again = createWeighting({
      id: 'gradnorm',
      weights: new Map([
        ['a', 1],
        ['b', 1],
      ]),
      store,
    });
    expect(again.logs()).toEqual(w.logs());
    expect(store.values('weighting.gradnorm_initial_loss.a')[0]).toBe(2);
    for (const g of perTask.values()) tf.dispose(Object.values(g));
  });
});
