/**
 * Hybrid curve head (seed `hybrid`): the tcn head's FiLM-conditioned dilated causal convolutions, then
 * transformer encoder layers over the convolved points (width `hidden`), then Linear → 1 per point.
 * Local shape comes from the convolutions, long-range coupling from attention.
 */
import { TransformerStack } from '../layers/attention';
import { defineHead } from './head';
import { attentionFields, perPoint, pointOutput, requireSteps } from './sequence';
import { TcnBody, tcnOptions } from './tcn';

export const hybridHead = defineHead({
  id: 'hybrid',
  kind: 'sequence',
  label: 'Curve (TCN then transformer)',
  options: tcnOptions
    .extend(attentionFields(1))
    .strict()
    .refine((o) => o.hidden % o.nhead === 0, { message: 'hidden must be a multiple of nhead', path: ['nhead'] }),
  build(ctx, o) {
    const body = new TcnBody(ctx, o, 'hybrid');
    const stack = new TransformerStack(ctx.store, `${ctx.prefix}.blocks`, {
      dModel: o.hidden,
      heads: o.nhead,
      layers: o.num_layers,
      dimFeedforward: o.dim_feedforward,
      activation: o.activation,
      dropout: o.dropout,
      group: ctx.group,
    });
    const out = pointOutput(ctx, o.hidden);
    return { forward: (ops, h, t) => perPoint(ops, out.apply(ops, stack.apply(ops, body.apply(ops, h, requireSteps(t, 'hybrid'))))) };
  },
});
