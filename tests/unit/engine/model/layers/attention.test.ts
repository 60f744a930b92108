import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { MultiHeadAttention } from '../../../../../src-main/engine/model/layers/attention';

let store: ParamStore;
beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => store.dispose());

describe('MultiHeadAttention', () => {
  it('equals softmax(q·kᵀ/√d_h)·v per head, concatenated and projected', () => {
    store = new ParamStore(new Rng(3));
    const [b, t, d, heads] = [2, 5, 6, 3];
    const dh = d / heads;
    const attention = new MultiHeadAttention(store, 'mha', d, heads, 'g');
    const rng = new Rng(4);
    const x = Float32Array.from({ length: b * t * d }, () => rng.float() * 2 - 1);
    for (const name of ['mha.qkv.bias', 'mha.out.bias']) {
      const v = store.get(name);
      v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => rng.float() - 0.5)));
    }
    const ops = createTfOps(store, { training: false });
    const y = tf.tidy(() => attention.apply(ops, tf.tensor(x, [b, t, d])).dataSync());

    const [wqkv, bqkv, wo, bo] = ['mha.qkv.kernel', 'mha.qkv.bias', 'mha.out.kernel', 'mha.out.bias'].map((n) => store.values(n));
    const dense = (row: ArrayLike<number>, w: Float32Array, bias: Float32Array, outDim: number) =>
      Array.from({ length: outDim }, (_, o) => Array.from(row).reduce((s, v, i) => s + v * w[i * outDim + o], bias[o]));
    for (let n = 0; n < b; n++) {
      const qkv = Array.from({ length: t }, (_, i) => dense(x.subarray((n * t + i) * d, (n * t + i + 1) * d), wqkv, bqkv, 3 * d));
      const context = Array.from({ length: t }, () => new Array<number>(d).fill(0));
      for (let hd = 0; hd < heads; hd++) {
        const part = (row: number[], which: number) => row.slice(which * d + hd * dh, which * d + (hd + 1) * dh);
        for (let i = 0; i < t; i++) {
          const scores = qkv.map((r) => part(qkv[i], 0).reduce((s, q, e) => s + q * part(r, 1)[e], 0) / Math.sqrt(dh));
          const max = Math.max(...scores);
          const w = scores.map((s) => Math.exp(s - max));
          const total = w.reduce((a, c) => a + c, 0);
          for (let j = 0; j < t; j++) part(qkv[j], 2).forEach((v, e) => (context[i][hd * dh + e] += (w[j] / total) * v));
        }
      }
      context.forEach((row, i) => dense(row, wo, bo, d).forEach((v, o) => expect(y[(n * t + i) * d + o]).toBeCloseTo(v, 5)));
    }
  });

  it('refuses a width that does not split over the heads', () => {
    store = new ParamStore(new Rng(3));
    expect(() => new MultiHeadAttention(store, 'mha', 6, 4, 'g')).toThrow(/multiple of 4 heads/);
  });
});
