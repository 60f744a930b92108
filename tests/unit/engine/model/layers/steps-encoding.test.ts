import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { StepsEmbedding } from '../../../../../src-main/engine/model/layers/steps-encoding';

let store: ParamStore;
beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => store.dispose());

describe('StepsEmbedding', () => {
  it('is a dense layer over (u, sin(π2ᵏu), cos(π2ᵏu)) with u the steps scaled to the training range', () => {
    store = new ParamStore(new Rng(1));
    const [freqs, dim] = [3, 4];
    const embed = new StepsEmbedding(store, 'steps', { min: 300, max: 900 }, freqs, dim, 'g');
    store.get('steps.bias').assign(tf.tensor([0.1, -0.2, 0.3, 0.05]));
    const steps = [300, 455, 600, 873, 950];
    const ops = createTfOps(store, { training: false });
    const y = tf.tidy(() => embed.apply(ops, tf.tensor(steps, [1, 5])).dataSync());
    const [w, b] = [store.values('steps.kernel'), store.values('steps.bias')];
    steps.forEach((t, i) => {
      const u = (t - 300) / 600;
      const omegas = [0, 1, 2].map((k) => Math.PI * 2 ** k);
      const features = [u, ...omegas.map((o) => Math.sin(o * u)), ...omegas.map((o) => Math.cos(o * u))];
      for (let o = 0; o < dim; o++)
        expect(y[i * dim + o]).toBeCloseTo(
          features.reduce((s, f, r) => s + f * w[r * dim + o], b[o]),
          4,
        );
    });
  });
});
