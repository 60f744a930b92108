/** The weight initialisations layers choose between, by the role of the layer. */
import type { ActivationName } from '../ops/ops';
import type { Init } from '../params';

/** He for the ReLU family (and GELU/SiLU, which behave like it), Glorot for saturating and linear layers. */
export function initFor(act: ActivationName): Init {
  return act === 'relu' || act === 'leaky_relu' || act === 'gelu' || act === 'silu' ? 'he' : 'glorot';
}

/**
 * For a head's final linear layer: U(±1/√fanIn), PyTorch's default for `nn.Linear` (the seed's heads).
 * Glorot with one output would start predictions with about six times the variance.
 */
export function outputInit(fanIn: number): Init {
  return { uniform: 1 / Math.sqrt(fanIn) };
}
