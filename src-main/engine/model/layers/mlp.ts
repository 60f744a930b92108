/**
 * The seed model's LinearBlock: a stack of dense layers, each optionally followed by layer
 * normalisation, an activation, dropout, and a residual connection where the widths agree.
 */
import type { ActivationName, Ops } from '../ops/ops';
import type { ParamStore } from '../params';
import { Dense } from './dense';
import { LayerNorm } from './layer-norm';

export interface MlpOptions {
  /** Output widths of the layers, in order. */
  dims: number[];
  activation: ActivationName;
  norm: boolean;
  residual: boolean;
  dropout: number;
  group: string;
  /** Leave the last layer linear (no norm, activation or dropout): for output layers. */
  linearOutput?: boolean;
}

export class Mlp {
  readonly layers: Array<{ dense: Dense; norm?: LayerNorm; act: ActivationName; dropout: number; residual: boolean }> = [];
  readonly outDim: number;

  constructor(store: ParamStore, name: string, inDim: number, opts: MlpOptions) {
    let width = inDim;
    opts.dims.forEach((out, i) => {
      const last = i === opts.dims.length - 1 && opts.linearOutput;
      const act: ActivationName = last ? 'linear' : opts.activation;
      const init = act === 'relu' || act === 'leaky_relu' || act === 'gelu' || act === 'silu' ? 'he' : 'glorot';
      this.layers.push({
        dense: new Dense(store, `${name}.${i}`, width, out, { group: opts.group, init }),
        norm: opts.norm && !last ? new LayerNorm(store, `${name}.${i}.norm`, out, opts.group) : undefined,
        act,
        dropout: last ? 0 : opts.dropout,
        residual: opts.residual && !last && out === width,
      });
      width = out;
    });
    this.outDim = width;
  }

  get denseLayers(): Dense[] {
    return this.layers.map((l) => l.dense);
  }

  apply<T>(ops: Ops<T>, x: T): T {
    let h = x;
    for (const layer of this.layers) {
      let y = layer.dense.apply(ops, h);
      if (layer.norm) y = layer.norm.apply(ops, y);
      y = ops.dropout(ops.activation(y, layer.act), layer.dropout);
      h = layer.residual ? ops.add(h, y) : y;
    }
    return h;
  }
}
