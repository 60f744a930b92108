/**
 * Self-attention over a formula's elements, after CrabNet (Wang et al., npj Comput. Mater. 7, 77, 2021)
 * and Roost (Goodall & Lee, Nat. Commun. 11, 6280, 2020). Each token is its element's row of a fixed
 * element table (mat2vec by default), projected to `dModel`, plus Fourier encodings of the element's
 * atomic fraction on a linear and on a log scale (dopants at 10⁻⁴ must differ from 10⁻²). Pre-norm
 * transformer layers let the elements attend to each other, padding masked out; the tokens are then
 * pooled twice, weighted by fraction and plainly over the real tokens, giving [B, 2·dModel].
 */
import type { ActivationName, Ops } from '../ops/ops';
import type { ParamStore } from '../params';
import { TransformerStack } from './attention';
import { Dense } from './dense';
import { StepsEmbedding } from './steps-encoding';

export interface ElementAttentionOptions {
  /** Features per token: the element table's width. */
  tokenDim: number;
  dModel: number;
  heads: number;
  layers: number;
  dimFeedforward: number;
  /** Fourier octaves of each fraction encoding (linear and log scale). */
  fractionFrequencies: number;
  activation: ActivationName;
  dropout: number;
}

/** Fractions below this encode alike on the log scale (and keep log finite at padding). */
const LOG_FLOOR = 1e-6;
/** mask = f / (f + MASK_EPS): 1 to within 1e-4 for any fraction ≥ 1e-5, exactly 0 at padding. */
const MASK_EPS = 1e-9;

export class ElementAttention {
  readonly embed: Dense;
  readonly linearFraction: StepsEmbedding;
  readonly logFraction: StepsEmbedding;
  readonly stack: TransformerStack;
  /** Width of the pooled output. */
  readonly outDim: number;

  constructor(
    store: ParamStore,
    name: string,
    readonly options: ElementAttentionOptions,
    group: string,
  ) {
    const { dModel, fractionFrequencies } = options;
    this.embed = new Dense(store, `${name}.embed`, options.tokenDim, dModel, { group, init: 'glorot' });
    this.linearFraction = new StepsEmbedding(store, `${name}.fraction`, { min: 0, max: 1 }, fractionFrequencies, dModel, group);
    this.logFraction = new StepsEmbedding(store, `${name}.log_fraction`, { min: Math.log(LOG_FLOOR), max: 0 }, fractionFrequencies, dModel, group);
    this.stack = new TransformerStack(store, `${name}.stack`, {
      dModel,
      heads: options.heads,
      layers: options.layers,
      dimFeedforward: options.dimFeedforward,
      activation: options.activation,
      dropout: options.dropout,
      group,
    });
    this.outDim = 2 * dModel;
  }

  /** Every dense layer (where LoRA adapters attach). */
  get denseLayers(): Dense[] {
    return [this.embed, this.linearFraction.proj, this.logFraction.proj, ...this.stack.layers.flatMap((l) => [l.attention.qkv, l.attention.out, l.ff1, l.ff2])];
  }

  /** `tokens` [B, L, tokenDim] (padding rows zero) and `fractions` [B, L] (padding 0) → [B, 2·dModel]. */
  apply<T>(ops: Ops<T>, tokens: T, fractions: T): T {
    const mask = ops.div(fractions, ops.add(fractions, ops.scalar(MASK_EPS)));
    const logFraction = ops.log(ops.add(fractions, ops.scalar(LOG_FLOOR)));
    const x = ops.add(ops.add(this.embed.apply(ops, tokens), this.linearFraction.apply(ops, fractions)), this.logFraction.apply(ops, logFraction));
    const h = this.stack.apply(ops, ops.dropout(x, this.options.dropout), mask);
    // Fractions sum to 1 over a row's real tokens, so the weighted sum is a weighted mean.
    const weighted = ops.sum(ops.mul(h, ops.expandDims(fractions, 2)), 1, false);
    const plain = ops.div(ops.sum(ops.mul(h, ops.expandDims(mask, 2)), 1, false), ops.sum(mask, 1, true));
    return ops.concat([weighted, plain], 1);
  }
}
