/**
 * Transformer encoder layers (Vaswani et al. 2017) in the pre-norm arrangement (Xiong et al. 2020):
 * x + MHA(LN(x)), then x + FFN(LN(x)), with a final layer norm. Without a key mask attention is over all
 * tokens (the sequence head: padded points carry step 0 and are left out of the loss, but the real points
 * can attend to them); with one, masked keys get no weight (element tokens of formulas of different sizes).
 */
import type { ActivationName, Ops } from '../ops/ops';
import type { ParamStore } from '../params';
import { initFor } from './init';
import { Dense } from './dense';
import { LayerNorm } from './layer-norm';

/** Multi-head scaled dot-product self-attention over [B, T, d] with one fused Q/K/V projection. */
export class MultiHeadAttention {
  readonly qkv: Dense;
  readonly out: Dense;
  readonly headDim: number;

  constructor(
    store: ParamStore,
    name: string,
    readonly dModel: number,
    readonly heads: number,
    group: string,
  ) {
    if (dModel % heads !== 0) throw new Error(`attention width ${dModel} is not a multiple of ${heads} heads`);
    this.headDim = dModel / heads;
    this.qkv = new Dense(store, `${name}.qkv`, dModel, 3 * dModel, { group, init: 'glorot' });
    this.out = new Dense(store, `${name}.out`, dModel, dModel, { group, init: 'glorot' });
  }

  /**
   * `keyMask` [B, T], 1 for real tokens and 0 for padding, from the input data: attention weights are
   * softmax(scores)·mask renormalised over the real keys, which equals a softmax over the real keys alone
   * and needs no comparison or −∞ in the graph.
   */
  apply<T>(ops: Ops<T>, x: T, keyMask?: T): T {
    const d = this.dModel;
    const qkv = this.qkv.apply(ops, x);
    // [B, T, d] → [B, T, heads, headDim]; 0 copies B and T, which stay dynamic.
    const split = (from: number) => ops.reshape(ops.slice(qkv, 2, from, from + d), [0, 0, this.heads, this.headDim]);
    // The 1/√headDim scale goes on q ([B, H, T, dh]), smaller than the scores ([B, H, T, T]) when T > dh.
    const q = ops.mul(ops.transpose(split(0), [0, 2, 1, 3]), ops.scalar(1 / Math.sqrt(this.headDim)));
    const kT = ops.transpose(split(d), [0, 2, 3, 1]);
    const v = ops.transpose(split(2 * d), [0, 2, 1, 3]);
    let weights = ops.softmax(ops.matMul(q, kT));
    if (keyMask !== undefined) {
      const masked = ops.mul(weights, ops.expandDims(ops.expandDims(keyMask, 1), 1));
      weights = ops.div(masked, ops.add(ops.sum(masked, -1, true), ops.scalar(1e-9)));
    }
    const context = ops.transpose(ops.matMul(weights, v), [0, 2, 1, 3]);
    return this.out.apply(ops, ops.reshape(context, [0, 0, d]));
  }
}

export interface TransformerStackOptions {
  dModel: number;
  heads: number;
  layers: number;
  dimFeedforward: number;
  activation: ActivationName;
  dropout: number;
  group: string;
}

interface EncoderLayer {
  norm1: LayerNorm;
  attention: MultiHeadAttention;
  norm2: LayerNorm;
  ff1: Dense;
  ff2: Dense;
}

/** `layers` pre-norm encoder layers and the final layer norm, [B, T, d] → [B, T, d]. */
export class TransformerStack {
  readonly layers: EncoderLayer[] = [];
  readonly finalNorm: LayerNorm;

  constructor(
    store: ParamStore,
    name: string,
    readonly options: TransformerStackOptions,
  ) {
    const { dModel, heads, dimFeedforward, activation, group } = options;
    for (let i = 0; i < options.layers; i++) {
      const p = `${name}.${i}`;
      this.layers.push({
        norm1: new LayerNorm(store, `${p}.norm1`, dModel, group),
        attention: new MultiHeadAttention(store, `${p}.attention`, dModel, heads, group),
        norm2: new LayerNorm(store, `${p}.norm2`, dModel, group),
        ff1: new Dense(store, `${p}.ff1`, dModel, dimFeedforward, { group, init: initFor(activation) }),
        ff2: new Dense(store, `${p}.ff2`, dimFeedforward, dModel, { group, init: 'glorot' }),
      });
    }
    this.finalNorm = new LayerNorm(store, `${name}.norm`, dModel, group);
  }

  /** `keyMask` [B, T]: see {@link MultiHeadAttention.apply}. */
  apply<T>(ops: Ops<T>, x: T, keyMask?: T): T {
    const { activation, dropout } = this.options;
    let h = x;
    for (const layer of this.layers) {
      h = ops.add(h, ops.dropout(layer.attention.apply(ops, layer.norm1.apply(ops, h), keyMask), dropout));
      const ff = ops.dropout(ops.activation(layer.ff1.apply(ops, layer.norm2.apply(ops, h)), activation), dropout);
      h = ops.add(h, ops.dropout(layer.ff2.apply(ops, ff), dropout));
    }
    return this.finalNorm.apply(ops, h);
  }
}
