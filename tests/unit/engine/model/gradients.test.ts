import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { headType } from '../../../../src-main/engine/model/heads/index';
import { TransformerStack, MultiHeadAttention } from '../../../../src-main/engine/model/layers/attention';
import { Dense } from '../../../../src-main/engine/model/layers/dense';
import { Film } from '../../../../src-main/engine/model/layers/film';
import { GatedFusion } from '../../../../src-main/engine/model/layers/gated-fusion';
import { LayerNorm } from '../../../../src-main/engine/model/layers/layer-norm';
import { Recurrent } from '../../../../src-main/engine/model/layers/recurrent';
import { StepsEmbedding } from '../../../../src-main/engine/model/layers/steps-encoding';
import { CausalConv, TemporalConvStack } from '../../../../src-main/engine/model/layers/temporal-conv';
import type { Ops } from '../../../../src-main/engine/model/ops/ops';
import { createTfOps } from '../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../src-main/engine/model/params';
import { tf, type Tensor, type Variable } from '../../../../src-main/engine/model/tf';
import { Rng } from '../../../../src-main/engine/util/random';
import { compareGradients, projection, randomVariable, type GradientCheckOptions } from './gradient-check';
import { seebeckCurves, stepsInfo } from './heads/sequence-fixtures';

const TOLERANCE = 2e-2;
let store: ParamStore;

beforeAll(async () => {
  await initBackend('wasm');
});

afterEach(() => {
  store?.dispose();
});

/** Fresh parameters; every parameter is re-drawn from U(±scale) so no gradient is trivially zero (LoRA's B, biases). */
function freshStore(seed = 1): ParamStore {
  store = new ParamStore(new Rng(seed));
  return store;
}

function randomiseParams(scale: number, seed = 9): void {
  const rng = new Rng(seed);
  for (const name of store.names()) {
    const v = store.get(name);
    tf.tidy(() =>
      v.assign(
        tf.tensor(
          Float32Array.from({ length: v.size }, () => (rng.float() * 2 - 1) * scale),
          v.shape,
        ),
      ),
    );
  }
}

/**
 * Checks every parameter of the store and the given inputs: loss = Σ forward(ops) ⊙ R for a fixed random R.
 * Returns the comparisons so a failing test names the worst variable.
 */
async function expectGradientsMatch(forward: (ops: Ops<Tensor>) => Tensor, inputs: Record<string, Variable>, opts?: GradientCheckOptions) {
  const ops = createTfOps(store, { training: false });
  const outShape = tf.tidy(() => forward(ops).shape);
  const r = projection(outShape);
  const vars = [...store.names().map((name) => ({ name, v: store.get(name) })), ...Object.entries(inputs).map(([name, v]) => ({ name, v }))];
  const results = await compareGradients(vars, () => tf.sum(tf.mul(forward(ops), r)) as tf.Scalar, opts);
  r.dispose();
  Object.values(inputs).forEach((v) => v.dispose());
  const worst = results.reduce((a, b) => (b.relativeError > a.relativeError ? b : a));
  expect(worst.relativeError, `${worst.name}: analytic ${worst.analytic} vs numeric ${worst.numeric}`).toBeLessThan(TOLERANCE);
  // The check must not be vacuous: the gradients are far from zero.
  expect(results.every((c) => c.analytic.some((g) => Math.abs(g) > 1e-3))).toBe(true);
  return results;
}

describe('the gradient check', () => {
  it('catches a wrong gradient', async () => {
    // x ↦ x² with a gradient of x instead of 2x: off by half its norm.
    const halfGradSquare = tf.customGrad(((x: Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return { value: tf.square(x), gradFunc: (dy: Tensor, [sx]: Tensor[]) => tf.mul(dy, sx) };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;
    const x = randomVariable([4], 18);
    const [result] = await compareGradients([{ name: 'x', v: x }], () => tf.sum(halfGradSquare(x)) as tf.Scalar);
    x.dispose();
    expect(result.relativeError).toBeCloseTo(0.5, 2);
  });
});

describe('dense layer with the hand-written matMul gradient', () => {
  it('rank-2 input', async () => {
    freshStore();
    const dense = new Dense(store, 'd', 4, 5, { group: 'g' });
    randomiseParams(0.8);
    const x = randomVariable([3, 4], 2);
    await expectGradientsMatch((ops) => dense.apply(ops, x), { x });
  });

  it('rank-3 input (a sequence), through the reshape to 2-D', async () => {
    freshStore();
    const dense = new Dense(store, 'd', 4, 3, { group: 'g' });
    randomiseParams(0.8);
    const x = randomVariable([2, 5, 4], 3);
    await expectGradientsMatch((ops) => dense.apply(ops, x), { x });
  });

  it('with LoRA adapters: base kernel, bias, A, B and the input', async () => {
    freshStore();
    const dense = new Dense(store, 'd', 4, 3, { group: 'g' });
    dense.addLora(2, 4, 'lora');
    randomiseParams(0.8);
    const x = randomVariable([2, 3, 4], 4);
    const results = await expectGradientsMatch((ops) => dense.apply(ops, x), { x });
    expect(results.map((r) => r.name)).toEqual(['d.kernel', 'd.bias', 'd.lora_a', 'd.lora_b', 'x']);
  });
});

describe('LoRA at initialisation', () => {
  it('gives exactly the base layer output (B starts at zero)', () => {
    freshStore();
    const dense = new Dense(store, 'd', 6, 4, { group: 'g' });
    randomiseParams(0.8);
    const ops = createTfOps(store, { training: false });
    const x = randomVariable([5, 6], 6);
    const before = tf.tidy(() => Array.from(dense.apply(ops, x).dataSync()));
    dense.addLora(3, 8, 'lora');
    const after = tf.tidy(() => Array.from(dense.apply(ops, x).dataSync()));
    x.dispose();
    expect(store.values('d.lora_a').some((a) => a !== 0)).toBe(true);
    expect(after).toEqual(before);
  });
});

describe('normalisation and fusion', () => {
  it('layer norm: input, scale and offset', async () => {
    freshStore();
    const norm = new LayerNorm(store, 'ln', 6, 'g');
    randomiseParams(1);
    const x = randomVariable([3, 6], 7, 2);
    await expectGradientsMatch((ops) => norm.apply(ops, x), { x });
  });

  it('gated fusion, with and without a structure view', async () => {
    freshStore();
    const fusion = new GatedFusion(store, 'fusion', 5, 'g');
    randomiseParams(0.8);
    const hf = randomVariable([4, 5], 8);
    const hs = randomVariable([4, 5], 9);
    const has = tf.tensor([[1], [0], [1], [1]]);
    await expectGradientsMatch((ops) => fusion.apply(ops, hf, hs, has), { hf, hs });
    has.dispose();
  });

  it('FiLM conditioning of a sequence', async () => {
    freshStore();
    const film = new Film(store, 'film', 3, 4, 'g');
    randomiseParams(0.8);
    const x = randomVariable([2, 5, 4], 10);
    const h = randomVariable([2, 3], 11);
    await expectGradientsMatch((ops) => film.apply(ops, x, h), { x, h });
  });

  it('steps embedding with Fourier features', async () => {
    freshStore();
    const embed = new StepsEmbedding(store, 'steps', { min: 300, max: 900 }, 3, 4, 'g');
    randomiseParams(0.8);
    const t = tf.tensor([
      [300, 420, 560, 700, 880],
      [310, 400, 500, 640, 900],
    ]);
    await expectGradientsMatch((ops) => embed.apply(ops, t), {});
    t.dispose();
  });
});

describe('recurrences', () => {
  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: input, input and recurrent weights, both biases`, async () => {
      freshStore();
      const rnn = new Recurrent(store, cell, 3, 4, cell, 'g');
      randomiseParams(0.6);
      const x = randomVariable([2, 5, 3], 12);
      const results = await expectGradientsMatch((ops) => rnn.apply(ops, x), { x });
      expect(results).toHaveLength(5);
    });
  }
});

describe('attention', () => {
  it('multi-head self-attention', async () => {
    freshStore();
    const attention = new MultiHeadAttention(store, 'mha', 8, 2, 'g');
    randomiseParams(0.5);
    const x = randomVariable([2, 4, 8], 13);
    await expectGradientsMatch((ops) => attention.apply(ops, x), { x });
  });

  it('a pre-norm encoder layer (attention, GELU feed-forward, layer norms)', async () => {
    freshStore();
    const stack = new TransformerStack(store, 'enc', { dModel: 4, heads: 2, layers: 1, dimFeedforward: 6, activation: 'gelu', dropout: 0, group: 'g' });
    randomiseParams(0.5);
    const x = randomVariable([2, 3, 4], 14);
    await expectGradientsMatch((ops) => stack.apply(ops, x), { x });
  });
});

describe('temporal convolution', () => {
  it('a dilated causal convolution (k 3, dilation 2)', async () => {
    freshStore();
    const conv = new CausalConv(store, 'conv', 3, 4, 3, 2, 'g', 'glorot');
    randomiseParams(0.6);
    const x = randomVariable([2, 7, 3], 15);
    await expectGradientsMatch((ops) => conv.apply(ops, x), { x });
  });

  it('residual TCN blocks with SiLU', async () => {
    freshStore();
    const tcn = new TemporalConvStack(store, 'tcn', { channels: 3, layers: 2, kernelSize: 2, activation: 'silu', dropout: 0, group: 'g' });
    randomiseParams(0.5);
    const x = randomVariable([2, 6, 3], 16);
    await expectGradientsMatch((ops) => tcn.apply(ops, x), { x });
  });
});

describe('sequence heads end to end (tiny sizes)', () => {
  const curves = seebeckCurves([0, 3, 9]);
  const data = { width: curves.width, steps: stepsInfo(curves) };
  const cases: Array<[string, Record<string, unknown>]> = [
    [
      'kernel_regression',
      { kernel_num_centers: 4, kernel_learnable_centers: true, beta_hidden_dims: [3], mu1_hidden_dims: [3], mu2_hidden_dims: [3], mu3_hidden_dims: [3, 2] },
    ],
    ['rnn', { hidden: 3, cell: 'lstm', step_frequencies: 1 }],
    ['tcn', { hidden: 3, n_tcn_layers: 2, kernel_size: 2, step_frequencies: 1 }],
    ['transformer', { d_model: 4, nhead: 2, num_layers: 1, dim_feedforward: 4, step_frequencies: 1 }],
    ['hybrid', { hidden: 4, nhead: 2, n_tcn_layers: 1, kernel_size: 2, dim_feedforward: 4, step_frequencies: 1 }],
  ];
  for (const [id, options] of cases) {
    it(`${id}: every parameter and the deposit input`, async () => {
      freshStore();
      const type = headType(id)!;
      const head = type.build({ store, prefix: id, group: 'g', inputDim: 3, data }, type.options.parse(options));
      // Parameters stay at their initial values: the kernel widths and centres must keep their meaning.
      const h = randomVariable([3, 3], 17);
      const t = tf.tensor(curves.steps, [curves.n, curves.width]);
      await expectGradientsMatch((ops) => head.forward(ops, h, t), { h });
      t.dispose();
    });
  }
});
