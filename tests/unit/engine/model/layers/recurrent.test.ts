import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { RecurrentStack } from '../../../../../src-main/engine/model/layers/recurrent';

let store: ParamStore;
beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => store.dispose());

describe('RecurrentStack', () => {
  it('lays out GRU parameters as ONNX does: [in, 3H] inputs, [H, 3H] recurrences, two biases', () => {
    store = new ParamStore(new Rng(1));
    const stack = new RecurrentStack(store, 'gru', 5, 4, 'gru', 2, 0, 'g');
    expect(store.names().map((n) => [n, store.spec(n).shape])).toEqual([
      ['gru.0.kernel', [5, 12]],
      ['gru.0.recurrent', [4, 12]],
      ['gru.0.bias', [12]],
      ['gru.0.recurrent_bias', [12]],
      ['gru.1.kernel', [4, 12]],
      ['gru.1.recurrent', [4, 12]],
      ['gru.1.bias', [12]],
      ['gru.1.recurrent_bias', [12]],
    ]);
    const ops = createTfOps(store, { training: false });
    expect(tf.tidy(() => stack.apply(ops, tf.zeros([2, 7, 5])).shape)).toEqual([2, 7, 4]);
  });

  it('starts LSTM forget gates open (bias 1 in the ONNX i, o, f, c order) and bounds weights by 1/√H', () => {
    store = new ParamStore(new Rng(1));
    new RecurrentStack(store, 'lstm', 3, 4, 'lstm', 1, 0, 'g');
    expect(Array.from(store.values('lstm.0.bias'))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(Math.max(...store.values('lstm.0.recurrent').map(Math.abs))).toBeLessThanOrEqual(0.5);
  });
});
