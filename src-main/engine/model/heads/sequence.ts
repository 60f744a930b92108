/** What the sequence heads share: option fields with their defaults, the steps range, the [B, L, 1] → [B, L] output. */
import { z } from 'zod';
import { Dense } from '../layers/dense';
import { outputInit } from '../layers/init';
import type { Ops } from '../ops/ops';
import type { StepsRange } from '../layers/steps-encoding';
import type { HeadBuildContext, HeadDataInfo } from './head';

export const activationOption = z.enum(['relu', 'leaky_relu', 'tanh', 'gelu', 'silu']).default('silu');
export const dropoutOption = z.number().min(0).max(0.9).default(0);
/** Fourier features of the steps (sin/cos at π·2ᵏ for k < n); 6 resolves the 51-point grids of the shipped data. */
export const stepFrequenciesOption = z.number().int().min(0).max(16).default(6);

/** The temporal-convolution stack's options (tcn and hybrid heads). */
export const tcnFields = {
  /** Channels of the steps embedding and of every convolution (seed default 128). */
  hidden: z.number().int().positive().default(64),
  /** Residual blocks; block i has dilation 2^i. Each sees 1 + 2(k−1)(2ⁿ−1) points back: 61 with the defaults. */
  n_tcn_layers: z.number().int().min(1).max(12).default(4),
  kernel_size: z.number().int().min(2).max(9).default(3),
};

/** The transformer blocks' options (transformer and hybrid heads), with the head's default depth. */
export function attentionFields(numLayers: number) {
  return {
    nhead: z.number().int().positive().default(4),
    num_layers: z.number().int().min(1).max(12).default(numLayers),
    dim_feedforward: z.number().int().positive().default(128),
  };
}

/** A sequence head's steps range; the model builder provides it for every sequence task. */
export function sequenceSteps(data: HeadDataInfo, head: string): StepsRange & { quantiles: number[] } {
  if (!data.steps) throw new Error(`the ${head} head needs the training steps' range (HeadDataInfo.steps)`);
  return data.steps;
}

/** The steps [B, L] a sequence head was called with (the model passes them per task). */
export function requireSteps<T>(steps: T | undefined, head: string): T {
  if (steps === undefined) throw new Error(`the ${head} head needs the task's steps [B, L]`);
  return steps;
}

/** The final Linear → 1 applied to every point, `<prefix>.out`. */
export function pointOutput(ctx: HeadBuildContext, inDim: number): Dense {
  return new Dense(ctx.store, `${ctx.prefix}.out`, inDim, 1, { group: ctx.group, init: outputInit(inDim) });
}

/** [B, L, 1] → [B, L]. */
export function perPoint<T>(ops: Ops<T>, y: T): T {
  return ops.squeeze(y, 2);
}
