/**
 * Gated fusion of the formula and structure views (seed model, components/gated_fusion.py):
 * h = h_f + σ(W[h_f; h_s] + b) ⊙ h_s ⊙ has_s. Rows without a structure (has_s = 0) keep h_f exactly.
 */
import type { Ops } from '../ops/ops';
import type { ParamStore } from '../params';
import { Dense } from './dense';

export class GatedFusion {
  readonly gate: Dense;

  constructor(store: ParamStore, name: string, dim: number, group: string) {
    this.gate = new Dense(store, `${name}.gate`, 2 * dim, dim, { group, init: 'glorot' });
  }

  /** `hasStructure` is [B, 1] with 1 where the row has structure descriptors. */
  apply<T>(ops: Ops<T>, hFormula: T, hStructure: T, hasStructure: T): T {
    const g = ops.activation(this.gate.apply(ops, ops.concat([hFormula, hStructure], 1)), 'sigmoid');
    return ops.add(hFormula, ops.mul(ops.mul(g, hStructure), hasStructure));
  }
}
