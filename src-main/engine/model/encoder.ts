/**
 * The foundation encoder (seed model, components/foundation_encoder.py): an MLP over formula
 * descriptors, optionally an MLP over structure descriptors fused by a gate, then the deposit layer
 * Linear + tanh whose output every task head reads. With `elements` the formula branch starts with
 * self-attention over the formula's element tokens, and the MLP reads its pooled output (beside the
 * descriptors when `withDescriptors`).
 */
import type { ActivationName, Ops } from './ops/ops';
import type { ParamStore } from './params';
import { Dense } from './layers/dense';
import { ElementAttention, type ElementAttentionOptions } from './layers/element-attention';
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
  /** Element-token attention in front of the formula MLP (config `encoder: { type: attention }`). */
  elements?: EncoderElementsOptions;
}

export interface EncoderElementsOptions extends ElementAttentionOptions {
  /** The element table the tokens carry (a featurizer id) and its file's sha-256, recorded so inputs can be rebuilt. */
  table: string;
  tableSha256: string;
  /** The formula MLP also reads the descriptors, concatenated after the pooled tokens. */
  withDescriptors: boolean;
}

/** What the encoder reads: standardised descriptors, optional structure, optional element tokens. */
export interface EncoderInputs<T> {
  x: T;
  structure?: { values: T; has: T };
  /** Element tokens [B, L, tokenDim] and their atomic fractions [B, L] (padding: zero rows, fraction 0). */
  composition?: { tokens: T; fractions: T };
}

export const ENCODER_GROUP = 'encoder';

export class Encoder {
  readonly elements?: ElementAttention;
  readonly formula: Mlp;
  readonly structure?: Mlp;
  readonly fusion?: GatedFusion;
  readonly deposit: Dense;
  readonly hiddenDim: number;

  /** `name` prefixes every parameter (a task's own copy of the encoder is `encoder@<task>`, see model.ts). */
  constructor(
    store: ParamStore,
    readonly options: EncoderOptions,
    readonly name = ENCODER_GROUP,
    group = ENCODER_GROUP,
  ) {
    const block = { activation: options.activation, norm: options.norm, residual: options.residual, dropout: options.dropout, group };
    const e = options.elements;
    if (e) this.elements = new ElementAttention(store, `${name}.elements`, e, group);
    const formulaIn = this.elements ? this.elements.outDim + (e!.withDescriptors ? options.inputDim : 0) : options.inputDim;
    this.formula = new Mlp(store, `${name}.formula`, formulaIn, { ...block, dims: options.hiddenDims });
    this.hiddenDim = this.formula.outDim;
    if (options.structure) {
      this.structure = new Mlp(store, `${name}.structure`, options.structure.inputDim, { ...block, dims: options.structure.hiddenDims });
      if (this.structure.outDim !== this.hiddenDim) {
        throw new Error(`structure branch width ${this.structure.outDim} must equal the formula branch width ${this.hiddenDim}`);
      }
      this.fusion = new GatedFusion(store, `${name}.fusion`, this.hiddenDim, group);
    }
    this.deposit = new Dense(store, `${name}.deposit`, this.hiddenDim, options.depositDim, { group, init: 'glorot' });
  }

  /** Every dense layer of the encoder (where LoRA adapters attach). */
  get denseLayers(): Dense[] {
    return [
      ...(this.elements?.denseLayers ?? []),
      ...this.formula.denseLayers,
      ...(this.structure?.denseLayers ?? []),
      ...(this.fusion ? [this.fusion.gate] : []),
      this.deposit,
    ];
  }

  /** What the formula MLP reads: the descriptors, or the pooled element tokens (with the descriptors). */
  private formulaInput<T>(ops: Ops<T>, inputs: EncoderInputs<T>): T {
    if (!this.elements) return inputs.x;
    const c = inputs.composition;
    if (!c) throw new Error('this encoder reads element tokens, but the inputs have none');
    const pooled = this.elements.apply(ops, c.tokens, c.fractions);
    return this.options.elements!.withDescriptors ? ops.concat([pooled, inputs.x], 1) : pooled;
  }

  /** The fused hidden representation before the deposit layer. */
  hidden<T>(ops: Ops<T>, inputs: EncoderInputs<T>): T {
    const hf = this.formula.apply(ops, this.formulaInput(ops, inputs));
    const structure = inputs.structure;
    if (!this.structure || !this.fusion || !structure) return hf;
    return this.fusion.apply(ops, hf, this.structure.apply(ops, structure.values), structure.has);
  }

  apply<T>(ops: Ops<T>, inputs: EncoderInputs<T>): T {
    return ops.activation(this.deposit.apply(ops, this.hidden(ops, inputs)), 'tanh');
  }
}
