/** The self-supervised losses against values computed by hand on tiny batches. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { MultiTaskModel, type ModelSpec } from '../../../../src-main/engine/model/model';
import { createTfOps } from '../../../../src-main/engine/model/ops/tf-ops';
import { tf } from '../../../../src-main/engine/model/tf';
import { SelfSupervised, infoNce } from '../../../../src-main/engine/train/ssl/self-supervised';
import type { Rng } from '../../../../src-main/engine/util/random';

const spec: ModelSpec = {
  encoder: {
    inputDim: 3,
    hiddenDims: [4],
    depositDim: 4,
    activation: 'tanh',
    norm: false,
    residual: false,
    dropout: 0,
    structure: { inputDim: 2, hiddenDims: [4] },
  },
  tasks: [{ name: 't', kind: 'regression', head: 'regression', headOptions: { hidden_dims: [] }, data: { width: 1 } }],
};

/** An Rng stand-in that replays fixed draws, so the mask is known. */
const replay = (draws: number[]): Rng => {
  let i = 0;
  return { float: () => draws[i++ % draws.length] } as unknown as Rng;
};

const softmaxRowNll = (row: number[], target: number) => {
  const m = Math.max(...row);
  const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
  return Math.log(z) + m - row[target];
};

describe('self-supervised losses', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('InfoNCE equals the symmetric cross-entropy of the cosine-similarity matrix over τ', () => {
    const hf = [
      [1, 0],
      [0.6, 0.8],
      [0, 1],
    ];
    const hs = [
      [0.8, 0.6],
      [1, 0],
      [0, 2],
    ];
    const tau = 0.5;
    const norm = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    const S = hf.map((a) => hs.map((b) => norm(a).reduce((acc, x, k) => acc + x * norm(b)[k], 0) / tau));
    const rows = S.map((row, i) => softmaxRowNll(row, i));
    const cols = S[0].map((_, j) =>
      softmaxRowNll(
        S.map((r) => r[j]),
        j,
      ),
    );
    const expected = 0.5 * (rows.reduce((a, b) => a + b) / 3 + cols.reduce((a, b) => a + b) / 3);
    const got = tf.tidy(() => infoNce(tf.tensor2d(hf), tf.tensor2d(hs), tf.tensor2d([[1], [1], [1]]), tau).dataSync()[0]);
    expect(got).toBeCloseTo(expected, 5);
  });

  it('InfoNCE ignores rows without a structure, and falls when the two views agree', () => {
    const hf = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
      [-1, 0.3],
    ]);
    const agree = tf.tidy(() => infoNce(hf, hf, tf.ones([4, 1]), 0.1).dataSync()[0]);
    const disagree = tf.tidy(
      () =>
        infoNce(
          hf,
          tf.tensor2d([
            [0, 1],
            [1, 0],
            [-1, 0.3],
            [1, 1],
          ]),
          tf.ones([4, 1]),
          0.1,
        ).dataSync()[0],
    );
    expect(agree).toBeLessThan(disagree);
    // Dropping rows 2 and 3 gives the two-row problem exactly.
    const partial = tf.tidy(() => infoNce(hf, hf, tf.tensor2d([[1], [1], [0], [0]]), 0.1).dataSync()[0]);
    const twoRows = tf.tidy(() => infoNce(tf.slice(hf, [0, 0], [2, 2]), tf.slice(hf, [0, 0], [2, 2]), tf.ones([2, 1]), 0.1).dataSync()[0]);
    expect(partial).toBeCloseTo(twoRows, 5);
    hf.dispose();
  });

  it('masked feature modelling is the MSE of the decoder on the hidden entries only', () => {
    const model = new MultiTaskModel(spec, 3);
    const ssl = new SelfSupervised(model, { weights: { mfm: 1, contrastive: 0, crossRecon: 0 }, maskRatio: 0.5, temperature: 0.1 });
    const ops = createTfOps(model.store, { training: false });
    const x = [
      [1, 2, 3],
      [-1, 0.5, 2],
    ];
    // Draws below 0.5 hide an entry: hidden = (0,1), (1,0), (1,2).
    const draws = [0.9, 0.1, 0.7, 0.2, 0.8, 0.3];
    const hidden = draws.map((d) => (d < 0.5 ? 1 : 0));
    const got = tf.tidy(
      () =>
        ssl
          .losses(ops, { x: tf.tensor2d(x) }, replay(draws))
          .get('mfm')!
          .dataSync()[0],
    );
    const expected = tf.tidy(() => {
      const masked = tf.tensor2d(x.map((row, i) => row.map((v, j) => (hidden[i * 3 + j] ? 0 : v))));
      const h = model.encoder.formula.apply(ops, masked);
      const restored = tf.matMul(h, model.store.get('ssl.mfm.formula.kernel')).arraySync() as number[][];
      let sum = 0;
      hidden.forEach((m, k) => m && (sum += (restored[Math.floor(k / 3)][k % 3] - x[Math.floor(k / 3)][k % 3]) ** 2));
      return sum / 3;
    });
    expect(got).toBeCloseTo(expected, 5);
    model.dispose();
  });

  it('cross-reconstruction averages decoding structure from formula and formula from structure', () => {
    const model = new MultiTaskModel(spec, 4);
    const ssl = new SelfSupervised(model, { weights: { mfm: 0, contrastive: 0, crossRecon: 1 }, maskRatio: 0.15, temperature: 0.1 });
    const ops = createTfOps(model.store, { training: false });
    const [got, expected] = tf.tidy(() => {
      const x = tf.tensor2d([
        [1, 2, 3],
        [0, 1, 0],
      ]);
      const xs = tf.tensor2d([
        [0.5, -1],
        [2, 2],
      ]);
      const has = tf.tensor2d([[1], [0]]);
      const loss = ssl
        .losses(ops, { x, structure: { values: xs, has } }, replay([0.5]))
        .get('cross_recon')!
        .dataSync()[0];
      const hf = model.encoder.formula.apply(ops, x);
      const hs = model.encoder.structure!.apply(ops, xs);
      const dense = (h: tf.Tensor, name: string) => tf.add(tf.matMul(h, model.store.get(`${name}.kernel`)), model.store.get(`${name}.bias`));
      const row0 = (t: tf.Tensor) => tf.slice(t, [0, 0], [1, -1]);
      const toS = tf.mean(tf.square(tf.sub(row0(dense(hf, 'ssl.cross.structure_from_formula')), row0(xs)))).dataSync()[0];
      const toF = tf.mean(tf.square(tf.sub(row0(dense(hs, 'ssl.cross.formula_from_structure')), row0(x)))).dataSync()[0];
      return [loss, 0.5 * (toS + toF)];
    });
    expect(got).toBeCloseTo(expected, 5);
    model.dispose();
  });
});
