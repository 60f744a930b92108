/**
 * Dilated causal temporal convolution (TCN, Bai et al. 2018) over [B, L, C] sequences. A convolution is
 * written as left padding, k shifted slices and matrix products: tfjs cannot differentiate dilated
 * convolutions and has no causal padding, and slices with negative ends keep L dynamic for export.
 */
import type { ActivationName, Ops } from '../ops/ops';
import type { Init, ParamStore } from '../params';
import { initFor } from './init';
import { Dense } from './dense';

/** y[i] = b + Σⱼ W_j·x[i − (k−1−j)·d]: output i sees inputs i, i−d, …, i−(k−1)d (zeros before the start). */
export class CausalConv {
  readonly dense: Dense;

  constructor(
    store: ParamStore,
    name: string,
    readonly inDim: number,
    outDim: number,
    readonly kernelSize: number,
    readonly dilation: number,
    group: string,
    init: Init,
  ) {
    // The kernel's rows are the taps in order, oldest first: rows [j·inDim, (j+1)·inDim) hold W_j.
    this.dense = new Dense(store, name, kernelSize * inDim, outDim, { group, init });
  }

  apply<T>(ops: Ops<T>, x: T): T {
    const { kernel, bias } = this.dense.params(ops);
    const c = this.inDim;
    const reach = (this.kernelSize - 1) * this.dilation;
    // Taps are cut from the padded sequence flattened to [B, (L + reach)·C], where each is one contiguous
    // block per row (a shifted slice along L of [B, L, C] is a slow strided copy on the wasm backend),
    // and each is multiplied by its kernel rows: no concatenation of the taps, no split in the gradient.
    const flat = ops.reshape(ops.pad(x, 1, reach, 0), [0, -1]);
    let y: T | undefined;
    for (let j = 0; j < this.kernelSize; j++) {
      const fromEnd = (this.kernelSize - 1 - j) * this.dilation * c;
      const tap = ops.reshape(ops.slice(flat, 1, j * this.dilation * c, fromEnd === 0 ? undefined : -fromEnd), [0, -1, c]);
      const term = ops.matMul(tap, ops.slice(kernel, 0, j * c, (j + 1) * c));
      y = y === undefined ? term : ops.add(y, term);
    }
    return ops.add(y!, bias!);
  }
}

export interface TemporalStackOptions {
  channels: number;
  layers: number;
  kernelSize: number;
  activation: ActivationName;
  dropout: number;
  group: string;
}

/**
 * Residual TCN blocks with dilations 1, 2, 4, …: each block is x + drop(act(conv₂(drop(act(conv₁(x)))))).
 * Two convolutions per block double the receptive field: 1 + 2(k−1)(2ⁿ−1) points for n blocks.
 */
export class TemporalConvStack {
  readonly blocks: Array<[CausalConv, CausalConv]> = [];

  constructor(
    store: ParamStore,
    name: string,
    readonly options: TemporalStackOptions,
  ) {
    const { channels, kernelSize, group, activation } = options;
    for (let i = 0; i < options.layers; i++) {
      const dilation = 2 ** i;
      this.blocks.push([
        new CausalConv(store, `${name}.${i}.conv1`, channels, channels, kernelSize, dilation, group, initFor(activation)),
        new CausalConv(store, `${name}.${i}.conv2`, channels, channels, kernelSize, dilation, group, initFor(activation)),
      ]);
    }
  }

  apply<T>(ops: Ops<T>, x: T): T {
    const { activation, dropout } = this.options;
    let h = x;
    for (const [conv1, conv2] of this.blocks) {
      const y = ops.dropout(ops.activation(conv1.apply(ops, h), activation), dropout);
      h = ops.add(h, ops.dropout(ops.activation(conv2.apply(ops, y), activation), dropout));
    }
    return h;
  }
}
