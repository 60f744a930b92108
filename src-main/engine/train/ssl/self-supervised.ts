/**
 * Self-supervised objectives of the seed model (components/self_supervised.py, 2025), computed on the
 * encoder's branch outputs and added to the supervised loss with static weights:
 *
 * - masked feature modelling (mfm): each descriptor is hidden (set to 0) with probability
 *   `maskRatio`, the branch encodes the rest, and a bias-free linear decoder must restore the hidden
 *   entries: MSE over hidden entries; formula and structure halves averaged when both exist;
 * - contrastive (InfoNCE, symmetric): L2-normalised formula and structure views of the same rows
 *   are positives, other rows negatives: ½(CE(S, I) + CE(Sᵀ, I)) with S = h_f·h_sᵀ / τ;
 * - cross-reconstruction: ½(MSE(dec_s(h_f), x_s) + MSE(dec_f(h_s), x_f)).
 *
 * Contrastive and cross-reconstruction need structure descriptors and use only rows that have them.
 * Losses are written with tf directly: they train the encoder but are never exported.
 */
import { Dense } from '../../model/layers/dense';
import type { ModelInputs, MultiTaskModel } from '../../model/model';
import type { Ops } from '../../model/ops/ops';
import { tf, type Scalar, type Tensor } from '../../model/tf';
import type { Rng } from '../../util/random';

/** ParamStore group of the SSL decoders (trained by the encoder's optimiser). */
export const SSL_GROUP = 'ssl';

export interface SslSettings {
  weights: { mfm: number; contrastive: number; crossRecon: number };
  maskRatio: number;
  temperature: number;
}

export type SslLossName = 'mfm' | 'contrastive' | 'cross_recon';

export class SelfSupervised {
  private readonly decodeFormula: Dense;
  private readonly decodeStructure?: Dense;
  private readonly structureFromFormula?: Dense;
  private readonly formulaFromStructure?: Dense;

  constructor(
    private readonly model: MultiTaskModel,
    readonly settings: SslSettings,
  ) {
    const enc = model.encoder;
    const store = model.store;
    const input = enc.options.inputDim;
    this.decodeFormula = new Dense(store, 'ssl.mfm.formula', enc.hiddenDim, input, { bias: false, group: SSL_GROUP });
    if (enc.structure && enc.options.structure) {
      const sIn = enc.options.structure.inputDim;
      this.decodeStructure = new Dense(store, 'ssl.mfm.structure', enc.hiddenDim, sIn, { bias: false, group: SSL_GROUP });
      this.structureFromFormula = new Dense(store, 'ssl.cross.structure_from_formula', enc.hiddenDim, sIn, { group: SSL_GROUP });
      this.formulaFromStructure = new Dense(store, 'ssl.cross.formula_from_structure', enc.hiddenDim, input, { group: SSL_GROUP });
    }
  }

  /** The weighted terms (static weights; a weight of 0 drops the term) and their raw values. */
  losses(ops: Ops<Tensor>, inputs: ModelInputs<Tensor>, rng: Rng): Map<SslLossName, Scalar> {
    const w = this.settings.weights;
    const out = new Map<SslLossName, Scalar>();
    const enc = this.model.encoder;
    const s = inputs.structure;
    if (w.mfm > 0) {
      const lf = this.maskedReconstruction(ops, inputs.x, (x) => enc.formula.apply(ops, x), this.decodeFormula, rng);
      if (s && enc.structure && this.decodeStructure) {
        const ls = this.maskedReconstruction(ops, s.values, (x) => enc.structure!.apply(ops, x), this.decodeStructure, rng, s.has);
        out.set('mfm', tf.mul(tf.add(lf, ls), 0.5) as Scalar);
      } else out.set('mfm', lf);
    }
    if (s && enc.structure && (w.contrastive > 0 || w.crossRecon > 0)) {
      const hf = enc.formula.apply(ops, inputs.x);
      const hs = enc.structure.apply(ops, s.values);
      if (w.contrastive > 0) out.set('contrastive', infoNce(hf, hs, s.has, this.settings.temperature));
      if (w.crossRecon > 0) {
        const toS = maskedMse(this.structureFromFormula!.apply(ops, hf), s.values, s.has);
        const toF = maskedMse(this.formulaFromStructure!.apply(ops, hs), inputs.x, s.has);
        out.set('cross_recon', tf.mul(tf.add(toS, toF), 0.5) as Scalar);
      }
    }
    return out;
  }

  weight(name: SslLossName): number {
    const w = this.settings.weights;
    return name === 'mfm' ? w.mfm : name === 'contrastive' ? w.contrastive : w.crossRecon;
  }

  /** MSE over the hidden entries of rows with `has` = 1 (all rows when absent). */
  private maskedReconstruction(ops: Ops<Tensor>, x: Tensor, encode: (x: Tensor) => Tensor, decoder: Dense, rng: Rng, has?: Tensor): Scalar {
    const [b, d] = x.shape;
    const hidden = new Float32Array(b * d);
    for (let i = 0; i < hidden.length; i++) hidden[i] = rng.float() < this.settings.maskRatio ? 1 : 0;
    const hiddenMask = tf.tensor2d(hidden, [b, d]);
    const weights = has ? tf.mul(hiddenMask, has) : hiddenMask;
    const restored = decoder.apply(ops, encode(tf.mul(x, tf.sub(1, hiddenMask))));
    return tf.div(tf.sum(tf.mul(tf.square(tf.sub(restored, x)), weights)), tf.maximum(tf.sum(weights), 1)) as Scalar;
  }
}

/** Mean squared error over rows with `has` = 1. */
function maskedMse(pred: Tensor, target: Tensor, has: Tensor): Scalar {
  const width = pred.shape[1]!;
  return tf.div(tf.sum(tf.mul(tf.square(tf.sub(pred, target)), has)), tf.maximum(tf.mul(tf.sum(has), width), 1)) as Scalar;
}

/**
 * Symmetric InfoNCE over the rows with a structure: other rows' structures are masked out of each
 * row's softmax (a large negative logit) and rows without one are left out of the mean.
 */
export function infoNce(hf: Tensor, hs: Tensor, has: Tensor, temperature: number): Scalar {
  const normalise = (h: Tensor) => tf.div(h, tf.maximum(tf.norm(h, 'euclidean', 1, true), 1e-8));
  const logits = tf.div(tf.matMul(normalise(hf), tf.transpose(normalise(hs))), temperature);
  const b = hf.shape[0]!;
  const eye = tf.eye(b);
  const column = tf.reshape(has, [1, b]);
  const rowMask = tf.reshape(has, [b]);
  const ce = (l: Tensor) => {
    const masked = tf.add(l, tf.mul(tf.sub(1, column), -1e9));
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(masked), eye), 1));
    return tf.div(tf.sum(tf.mul(nll, rowMask)), tf.maximum(tf.sum(rowMask), 1));
  };
  return tf.mul(tf.add(ce(logits), ce(tf.transpose(logits))), 0.5) as Scalar;
}
