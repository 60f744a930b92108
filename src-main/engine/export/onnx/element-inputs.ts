/**
 * What a consumer must know to feed an attention model's element inputs: the inputs' names and the
 * element table whose (standardised) rows the tokens carry, recorded in the ONNX metadata and the bundle
 * manifest so `crucible predict` rebuilds exactly the tokens the model was trained on.
 */
import type { ModelSpec } from '../../model/model';
import type { OnnxIo } from './io-names';

export interface ElementInputs {
  /** [batch, tokens, width]: per element of the formula (first-seen order) its table row; padding rows zero. */
  tokens: string;
  /** [batch, tokens]: each token's atomic fraction (a row sums to 1); padding 0. */
  fractions: string;
  /** The element table (a featurizer id) and the sha-256 of its file; rows are standardised per property over its elements. */
  table: string;
  tableSha256: string;
  width: number;
}

export function elementInputs(spec: ModelSpec, io: OnnxIo): ElementInputs {
  const e = spec.encoder.elements!;
  return { tokens: io.elements!.tokens, fractions: io.elements!.fractions, table: e.table, tableSha256: e.tableSha256, width: e.tokenDim };
}
