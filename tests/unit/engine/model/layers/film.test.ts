import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { Film } from '../../../../../src-main/engine/model/layers/film';

let store: ParamStore;
beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => store.dispose());

describe('Film', () => {
  it("scales and shifts every point by (1 + γ(h), β(h)) from the row's own h", () => {
    store = new ParamStore(new Rng(2));
    const film = new Film(store, 'film', 2, 3, 'g');
    const ops = createTfOps(store, { training: false });
    const h = [0.5, -1, 0.2, 0.7];
    const x = Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i));
    const y = tf.tidy(() => film.apply(ops, tf.tensor(x, [2, 4, 3]), tf.tensor(h, [2, 2])).dataSync());
    const w = store.values('film.kernel');
    for (let n = 0; n < 2; n++) {
      const gb = Array.from({ length: 6 }, (_, o) => h[2 * n] * w[o] + h[2 * n + 1] * w[6 + o]);
      for (let i = 0; i < 4; i++)
        for (let c = 0; c < 3; c++) {
          const k = (n * 4 + i) * 3 + c;
          expect(y[k]).toBeCloseTo(x[k] * (1 + gb[c]) + gb[3 + c], 5);
        }
    }
  });
});
