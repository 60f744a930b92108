/** The encoder part of `model.init_args`: layer widths, structure branch, self-supervised losses, shared optimiser. */
import { getFeaturizer } from '../data/featurize';
import { ENCODER_WEIGHT_DECAY, optimizerConfig, resolveOptimizer } from './optimizer';
import { addNotice, configError, unknownKeyError, type ConfigScope } from './problems';
import { SSL_LOSS_KEYS, type RunConfig } from './schema';
import type { ResolvedElementAttention, ResolvedModel } from './types';

type ModelConfig = RunConfig['model']['init_args'];

const BASE = ['model', 'init_args'] as const;

export interface ModelContext {
  withStructure: boolean;
  taskNames: readonly string[];
}

/** Splits `loss_weights` into the self-supervised weights and static weights by task name. */
function splitLossWeights(scope: ConfigScope, weights: Record<string, number>, taskNames: readonly string[]) {
  const ssl = { mfm: 1, contrastive: 1, crossRecon: 1 };
  const tasks: Record<string, number> = {};
  for (const [key, weight] of Object.entries(weights)) {
    if (key === 'mfm' || key === 'contrastive') ssl[key] = weight;
    else if (key === 'cross_recon') ssl.crossRecon = weight;
    else if (taskNames.includes(key)) tasks[key] = weight;
    else throw unknownKeyError(scope, [...BASE, 'loss_weights', key], [...SSL_LOSS_KEYS, ...taskNames]);
  }
  return { ssl, tasks };
}

/** The input width, when numeric, must match the featurizer computing the inputs. */
export function checkFeaturizerWidth(scope: ConfigScope, model: ResolvedModel, featurizer: string | null): void {
  if (typeof model.inputDim !== 'number' || featurizer === null) return;
  const width = getFeaturizer(featurizer).featureNames.length;
  if (model.inputDim !== width) {
    throw configError(
      scope,
      [...BASE, 'shared_block_dims', 0],
      `shared_block_dims starts with ${model.inputDim}, but the ${featurizer} featurizer gives ${width} descriptors.`,
      `Write auto (or ${width}) as the first entry.`,
    );
  }
}

export function resolveModel(scope: ConfigScope, m: ModelConfig, ctx: ModelContext): { model: ResolvedModel; taskWeights: Record<string, number> } {
  const [inputDim, ...rest] = m.shared_block_dims;
  // The schema allows `auto` only as the first entry.
  const hiddenDims = rest as number[];
  let structure: ResolvedModel['structure'] = null;
  if (ctx.withStructure) {
    if (!m.struct_block_dims) {
      throw configError(
        scope,
        [...BASE, 'with_structure'],
        'with_structure is true but struct_block_dims is missing.',
        `Add struct_block_dims: [auto, …, ${hiddenDims.at(-1)}].`,
      );
    }
    const [structInput, ...structRest] = m.struct_block_dims;
    const structHidden = structRest as number[];
    if (structHidden.at(-1) !== hiddenDims.at(-1)) {
      throw configError(
        scope,
        [...BASE, 'struct_block_dims', structHidden.length],
        `struct_block_dims ends with ${structHidden.at(-1)}, but the gated fusion needs the width of shared_block_dims' last entry, ${hiddenDims.at(-1)}.`,
        `Make its last entry ${hiddenDims.at(-1)}.`,
      );
    }
    structure = { inputDim: structInput, hiddenDims: structHidden };
  } else if (m.struct_block_dims) {
    addNotice(scope, [...BASE, 'struct_block_dims'], 'with_structure is not true, so struct_block_dims is not used.');
  }
  const { ssl, tasks } = splitLossWeights(scope, m.loss_weights ?? {}, ctx.taskNames);
  const elements = resolveElements(scope, m);
  if (elements && m.enable_self_supervised_training) {
    throw configError(
      scope,
      [...BASE, 'enable_self_supervised_training'],
      'Self-supervised pretraining reconstructs descriptors through the MLP encoder; the attention encoder does not support it.',
      'Set enable_self_supervised_training: false, or use encoder: { type: mlp }.',
    );
  }
  const model: ResolvedModel = {
    inputDim,
    hiddenDims,
    depositDim: m.deposit_dim ?? hiddenDims[hiddenDims.length - 1],
    activation: m.activation,
    norm: m.norm_shared,
    residual: m.residual_shared,
    dropout: m.dropout,
    structure,
    selfSupervised: {
      enabled: m.enable_self_supervised_training,
      weights: ssl,
      maskRatio: m.mask_ratio,
      temperature: m.temperature,
      modalityDropoutP: m.modality_dropout_p,
    },
    encoderOptimizer: resolveOptimizer(scope, [...BASE, 'shared_block_optimizer'], m.shared_block_optimizer, ENCODER_WEIGHT_DECAY),
    lora: m.lora_rank > 0 ? { rank: m.lora_rank, alpha: m.lora_alpha } : null,
    elements,
  };
  return { model, taskWeights: tasks };
}

function resolveElements(scope: ConfigScope, m: ModelConfig): ResolvedElementAttention | null {
  const e = m.encoder;
  if (!e || e.type === 'mlp') return null;
  if (e.d_model % e.heads !== 0) {
    throw configError(
      scope,
      [...BASE, 'encoder', 'heads'],
      `encoder.d_model (${e.d_model}) is not a multiple of encoder.heads (${e.heads}).`,
      `Use heads that divide ${e.d_model}, e.g. ${[1, 2, 4, 8].filter((h) => e.d_model % h === 0).pop()}.`,
    );
  }
  return {
    table: e.elements,
    dModel: e.d_model,
    heads: e.heads,
    layers: e.layers,
    dimFeedforward: e.dim_feedforward ?? 2 * e.d_model,
    fractionFrequencies: e.fraction_frequencies,
    withDescriptors: e.with_descriptors,
  };
}

/** The config form of the resolved encoder type. */
function encoderConfig(e: ResolvedElementAttention | null): Record<string, unknown> {
  if (!e) return { type: 'mlp' };
  return {
    type: 'attention',
    elements: e.table,
    d_model: e.dModel,
    heads: e.heads,
    layers: e.layers,
    dim_feedforward: e.dimFeedforward,
    fraction_frequencies: e.fractionFrequencies,
    with_descriptors: e.withDescriptors,
  };
}

/** The config form of the resolved encoder settings (everything in model.init_args but the tasks and the balancer). */
export function modelConfig(m: ResolvedModel): Record<string, unknown> {
  const ssl = m.selfSupervised;
  return {
    shared_block_dims: [m.inputDim, ...m.hiddenDims],
    encoder: encoderConfig(m.elements),
    deposit_dim: m.depositDim,
    norm_shared: m.norm,
    residual_shared: m.residual,
    activation: m.activation,
    dropout: m.dropout,
    shared_block_optimizer: optimizerConfig(m.encoderOptimizer),
    with_structure: m.structure !== null,
    ...(m.structure && { struct_block_dims: [m.structure.inputDim, ...m.structure.hiddenDims] }),
    modality_dropout_p: ssl.modalityDropoutP,
    enable_self_supervised_training: ssl.enabled,
    loss_weights: { mfm: ssl.weights.mfm, contrastive: ssl.weights.contrastive, cross_recon: ssl.weights.crossRecon },
    mask_ratio: ssl.maskRatio,
    temperature: ssl.temperature,
    ...(m.lora && { lora_rank: m.lora.rank, lora_alpha: m.lora.alpha }),
  };
}
