/**
 * Temporal-convolution curve head (seed `tcn`): steps embedded from their x values, FiLM-conditioned on
 * the deposit output, `n_tcn_layers` residual blocks of dilated causal convolutions (dilation 2^i), then
 * Linear → 1 per point. Causal: a point's value depends on it and the points before it only.
 */
import { z } from 'zod';
import { Film } from '../layers/film';
import { StepsEmbedding } from '../layers/steps-encoding';
import { TemporalConvStack } from '../layers/temporal-conv';
import type { Ops } from '../ops/ops';
import { defineHead, type HeadBuildContext } from './head';
import { activationOption, dropoutOption, perPoint, pointOutput, requireSteps, sequenceSteps, stepFrequenciesOption, tcnFields } from './sequence';

export const tcnOptions = z.object({ ...tcnFields, activation: activationOption, step_frequencies: stepFrequenciesOption, dropout: dropoutOption }).strict();

/** The embedded, FiLM-conditioned and convolved steps [B, L, hidden] (shared with the hybrid head). */
export class TcnBody {
  readonly steps: StepsEmbedding;
  readonly film: Film;
  readonly tcn: TemporalConvStack;

  constructor(ctx: HeadBuildContext, o: z.infer<typeof tcnOptions>, head: string) {
    this.steps = new StepsEmbedding(ctx.store, `${ctx.prefix}.steps`, sequenceSteps(ctx.data, head), o.step_frequencies, o.hidden, ctx.group);
    this.film = new Film(ctx.store, `${ctx.prefix}.film`, ctx.inputDim, o.hidden, ctx.group);
    this.tcn = new TemporalConvStack(ctx.store, `${ctx.prefix}.tcn`, {
      channels: o.hidden,
      layers: o.n_tcn_layers,
      kernelSize: o.kernel_size,
      activation: o.activation,
      dropout: o.dropout,
      group: ctx.group,
    });
  }

  apply<T>(ops: Ops<T>, h: T, t: T): T {
    return this.tcn.apply(ops, this.film.apply(ops, this.steps.apply(ops, t), h));
  }
}

export const tcnHead = defineHead({
  id: 'tcn',
  kind: 'sequence',
  label: 'Curve (dilated causal TCN, FiLM-conditioned)',
  options: tcnOptions,
  build(ctx, o) {
    const body = new TcnBody(ctx, o, 'tcn');
    const out = pointOutput(ctx, o.hidden);
    return { forward: (ops, h, t) => perPoint(ops, out.apply(ops, body.apply(ops, h, requireSteps(t, 'tcn')))) };
  },
});
