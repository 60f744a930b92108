import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { tf } from '../../../../../src-main/engine/model/tf';
import { WEIGHTING_GROUP } from '../../../../../src-main/engine/train/weighting/weighting';
import { createWeighting } from '../../../../../src-main/engine/train/weighting/index';
import { disposeAll, newStore, rawLosses } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The seed's formula: L'ₜ = ½·wₜ·exp(−2s)·Lₜ + s. */
const term = (w: number, s: number, loss: number) => 0.5 * w * Math.exp(-2 * s) * loss + s;

describe('uncertainty weighting', () => {
  const weights = new Map([
    ['gap', 1],
    ['metal', 2],
  ]);

  it('creates one learnable log σ per task in the weighting group, starting at 0 (σ = 1)', () => {
    const store = newStore();
    const w = createWeighting({ id: 'uncertainty', weights, store });
    expect(store.names()).toEqual(['weighting.log_sigma.gap', 'weighting.log_sigma.metal']);
    expect(store.spec('weighting.log_sigma.gap').group).toBe(WEIGHTING_GROUP);
    expect(w.logs()).toEqual({ gap_sigma: 1, gap_weight: 0.5, metal_sigma: 1, metal_weight: 1 });
    const losses = rawLosses({ gap: 3, metal: 5 });
    expect(w.combine(losses).dataSync()[0]).toBeCloseTo(term(1, 0, 3) + term(2, 0, 5), 6);
    disposeAll(losses);
  });

  it('matches the hand-computed loss and its gradient −wₜ·exp(−2s)·Lₜ + 1 for other log σ values', () => {
    const store = newStore();
    const w = createWeighting({ id: 'uncertainty', weights, store, options: { init_log_sigma: 0.3 } });
    store.get('weighting.log_sigma.metal').assign(tf.scalar(-0.2));
    const losses = rawLosses({ gap: 3, metal: 5 });
    const vars = store.trainable((g) => g === WEIGHTING_GROUP);
    const { value, grads } = store.variableGrads(() => w.combine(losses), vars);
    expect(value.dataSync()[0]).toBeCloseTo(term(1, 0.3, 3) + term(2, -0.2, 5), 5);
    expect(grads['weighting.log_sigma.gap'].dataSync()[0]).toBeCloseTo(-1 * Math.exp(-0.6) * 3 + 1, 5);
    expect(grads['weighting.log_sigma.metal'].dataSync()[0]).toBeCloseTo(-2 * Math.exp(0.4) * 5 + 1, 5);
    const logs = w.logs();
    expect(logs.gap_sigma).toBeCloseTo(Math.exp(0.3), 6);
    expect(logs.metal_weight).toBeCloseTo(0.5 * 2 * Math.exp(0.4), 5);
    tf.dispose([value, ...Object.values(grads)]);
    disposeAll(losses);
  });

  it('skips absent tasks: their log σ gets no gradient', () => {
    const store = newStore();
    const w = createWeighting({ id: 'uncertainty', weights, store });
    const losses = rawLosses({ metal: 5 });
    const { value, grads } = store.variableGrads(() => w.combine(losses), store.trainable());
    expect(Object.keys(grads)).toEqual(['weighting.log_sigma.metal']);
    expect(value.dataSync()[0]).toBeCloseTo(term(2, 0, 5), 6);
    tf.dispose([value, ...Object.values(grads)]);
    disposeAll(losses);
  });

  it('reuses existing log σ parameters when created again over the same store (weights loaded first)', () => {
    const store = newStore();
    createWeighting({ id: 'uncertainty', weights, store });
    store.get('weighting.log_sigma.gap').assign(tf.scalar(0.7));
    const again = createWeighting({ id: 'uncertainty', weights, store });
    expect(again.logs().gap_sigma).toBeCloseTo(Math.exp(0.7), 6);
  });
});
