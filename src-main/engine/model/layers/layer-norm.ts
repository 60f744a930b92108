/** Layer normalisation over the last axis (Ba et al. 2016) with learned scale and offset. */
import type { Ops } from '../ops/ops';
import type { ParamStore } from '../params';

export class LayerNorm {
  readonly gammaName: string;
  readonly betaName: string;

  constructor(
    store: ParamStore,
    readonly name: string,
    dim: number,
    group: string,
    readonly epsilon = 1e-5,
  ) {
    this.gammaName = `${name}.gamma`;
    this.betaName = `${name}.beta`;
    store.create(this.gammaName, [dim], 'ones', group);
    store.create(this.betaName, [dim], 'zeros', group);
  }

  apply<T>(ops: Ops<T>, x: T): T {
    return ops.layerNorm(x, ops.param(this.gammaName), ops.param(this.betaName), this.epsilon);
  }
}
