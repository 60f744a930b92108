/**
 * Feature-wise linear modulation (Perez et al. 2018, FiLM): a sequence x [B, L, C] conditioned on a
 * vector h [B, D] as x·(1 + γ(h)) + β(h), with γ and β from one dense layer on h and broadcast over L.
 * The 1 + γ form starts near the identity, so an untrained head still sees its inputs.
 */
import type { Ops } from '../ops/ops';
import type { ParamStore } from '../params';
import { Dense } from './dense';

export class Film {
  readonly dense: Dense;

  constructor(
    store: ParamStore,
    name: string,
    condDim: number,
    readonly channels: number,
    group: string,
  ) {
    this.dense = new Dense(store, name, condDim, 2 * channels, { group, init: 'glorot' });
  }

  apply<T>(ops: Ops<T>, x: T, h: T): T {
    const gammaBeta = ops.expandDims(this.dense.apply(ops, h), 1);
    const gamma = ops.slice(gammaBeta, 2, 0, this.channels);
    const beta = ops.slice(gammaBeta, 2, this.channels);
    return ops.add(ops.add(x, ops.mul(x, gamma)), beta);
  }
}
