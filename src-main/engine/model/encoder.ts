/**
 * The foundation encoder (seed model, components/foundation_encoder.py): an MLP over formula
 * descriptors, optionally an MLP over structure descriptors fused by a gate, then the deposit layer
 * Linear + tanh whose output every task head reads.
 */
import type { ActivationName, Ops } from './ops/ops';
import type { ParamStore } from './params';
import { Dense } from './layers/dense';
import { GatedFusion } from './layers/gated-fusion';
import { Mlp } from './layers/mlp';

export interface EncoderOptions {
  /** Formula-descriptor width (the first entry of the seed's `shared_block_dims`). */
  inputDim: number;
  /** Hidden widths after the input (the rest of `shared_block_dims`). */
  hiddenDims: number[];
  depositDim: number;
  activation: ActivationName;
  norm: boolean;
  residual: boolean;
  dropout: number;
  /** Structure-descriptor branch; its last width must equal the formula branch's. */
  structure?: { inputDim: number; hiddenDims: number[] };
}

export const ENCODER_GROUP = 'encoder';

export class Encoder {
  readonly formula: Mlp;
  readonly structure?: Mlp;
  readonly fusion?: GatedFusion;
  readonly deposit: Dense;
  readonly hiddenDim: number;

  constructor(
    store: ParamStore,
    readonly options: EncoderOptions,
  ) {
    const block = { activation: options.activation, norm: options.norm, residual: options.residual, dropout: options.dropout, group: ENCODER_GROUP };
    this.formula = new Mlp(store, 'encoder.formula', options.inputDim, { ...block, dims: options.hiddenDims });
    this.hiddenDim = this.formula.outDim;
    if (options.structure) {
      this.structure = new Mlp(store, 'encoder.structure', options.structure.inputDim, { ...block, dims: options.structure.hiddenDims });
      if (this.structure.outDim !== this.hiddenDim) {
        throw new Error(`structure branch width ${this.structure.outDim} must equal the formula branch width ${this.hiddenDim}`);
      }
      this.fusion = new GatedFusion(store, 'encoder.fusion', this.hiddenDim, ENCODER_GROUP);
    }
    this.deposit = new Dense(store, 'encoder.deposit', this.hiddenDim, options.depositDim, { group: ENCODER_GROUP, init: 'glorot' });
  }

  /** Every dense layer of the encoder (where LoRA adapters attach). */
  get denseLayers(): Dense[] {
    return [...this.formula.denseLayers, ...(this.structure?.denseLayers ?? []), ...(this.fusion ? [this.fusion.gate] : []), this.deposit];
  }

  /** The fused hidden representation before the deposit layer (self-supervised losses read it). */
  hidden<T>(ops: Ops<T>, x: T, structure?: { values: T; has: T }): T {
    const hf = this.formula.apply(ops, x);
    if (!this.structure || !this.fusion || !structure) return hf;
    return this.fusion.apply(ops, hf, this.structure.apply(ops, structure.values), structure.has);
  }

  apply<T>(ops: Ops<T>, x: T, structure?: { values: T; has: T }): T {
    return ops.activation(this.deposit.apply(ops, this.hidden(ops, x, structure)), 'tanh');
  }
}
