import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { CausalConv, TemporalConvStack } from '../../../../../src-main/engine/model/layers/temporal-conv';

let store: ParamStore;
beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => store.dispose());

function uniform(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.float() * 2 - 1);
}

describe('CausalConv', () => {
  it('equals the direct dilated causal convolution', () => {
    store = new ParamStore(new Rng(1));
    const [b, len, cin, cout, k, d] = [2, 9, 3, 4, 3, 2];
    const conv = new CausalConv(store, 'conv', cin, cout, k, d, 'g', 'glorot');
    const bias = uniform(cout, 3);
    store.get('conv.bias').assign(tf.tensor(bias));
    const x = uniform(b * len * cin, 2);
    const ops = createTfOps(store, { training: false });
    const y = tf.tidy(() => conv.apply(ops, tf.tensor(x, [b, len, cin])).dataSync());
    const w = store.values('conv.kernel');
    for (let n = 0; n < b; n++) {
      for (let i = 0; i < len; i++) {
        for (let o = 0; o < cout; o++) {
          let sum = bias[o];
          for (let j = 0; j < k; j++) {
            const src = i - (k - 1 - j) * d;
            if (src < 0) continue;
            for (let c = 0; c < cin; c++) sum += x[(n * len + src) * cin + c] * w[(j * cin + c) * cout + o];
          }
          expect(y[(n * len + i) * cout + o]).toBeCloseTo(sum, 5);
        }
      }
    }
  });
});

describe('TemporalConvStack', () => {
  it('sees exactly 1 + 2(k−1)(2ⁿ−1) points back and none ahead', () => {
    store = new ParamStore(new Rng(2));
    const stack = new TemporalConvStack(store, 'tcn', { channels: 2, layers: 2, kernelSize: 2, activation: 'tanh', dropout: 0, group: 'g' });
    const ops = createTfOps(store, { training: false });
    const len = 12;
    const base = uniform(len * 2, 4);
    const changed = base.slice();
    changed[3 * 2] += 1; // point 3, channel 0
    const [y0, y1] = tf.tidy(() => [base, changed].map((x) => Array.from(stack.apply(ops, tf.tensor(x, [1, len, 2])).dataSync())));
    const moved = Array.from({ length: len }, (_, i) => Math.abs(y0[2 * i] - y1[2 * i]) + Math.abs(y0[2 * i + 1] - y1[2 * i + 1]) > 1e-7);
    // Receptive field 1 + 2·1·(2² − 1) = 7: point 3 reaches points 3…9.
    expect(moved).toEqual(Array.from({ length: len }, (_, i) => i >= 3 && i <= 9));
  });
});
