/**
 * Transformer curve head (seed `transformer`, models/multi_task_flexible.py@796248e): a CLS token
 * projected from the deposit output, one token per step embedded from its x value (sin/cos features of
 * the steps themselves serve as positions, so irregular grids work), pre-norm encoder layers, then
 * Linear → 1 on every step token. The seed's defaults (d_model 256, nhead 4, num_layers 4) are cut to
 * 64/4/2 with a 128-wide feed-forward so the head trains at interactive speed on a CPU.
 */
import { z } from 'zod';
import { TransformerStack } from '../layers/attention';
import { Dense } from '../layers/dense';
import { StepsEmbedding } from '../layers/steps-encoding';
import { defineHead } from './head';
import { activationOption, attentionFields, dropoutOption, perPoint, pointOutput, requireSteps, sequenceSteps, stepFrequenciesOption } from './sequence';

export const transformerHead = defineHead({
  id: 'transformer',
  kind: 'sequence',
  label: 'Curve (transformer over the steps)',
  options: z
    .object({
      d_model: z.number().int().positive().default(64),
      ...attentionFields(2),
      activation: activationOption,
      step_frequencies: stepFrequenciesOption,
      dropout: dropoutOption,
    })
    .strict()
    .refine((o) => o.d_model % o.nhead === 0, { message: 'd_model must be a multiple of nhead', path: ['nhead'] }),
  build(ctx, o) {
    const steps = new StepsEmbedding(ctx.store, `${ctx.prefix}.steps`, sequenceSteps(ctx.data, 'transformer'), o.step_frequencies, o.d_model, ctx.group);
    const cls = new Dense(ctx.store, `${ctx.prefix}.cls`, ctx.inputDim, o.d_model, { group: ctx.group, init: 'glorot' });
    const stack = new TransformerStack(ctx.store, `${ctx.prefix}.blocks`, {
      dModel: o.d_model,
      heads: o.nhead,
      layers: o.num_layers,
      dimFeedforward: o.dim_feedforward,
      activation: o.activation,
      dropout: o.dropout,
      group: ctx.group,
    });
    const out = pointOutput(ctx, o.d_model);
    return {
      forward(ops, h, t) {
        const tokens = ops.concat([ops.expandDims(cls.apply(ops, h), 1), steps.apply(ops, requireSteps(t, 'transformer'))], 1);
        return perPoint(ops, out.apply(ops, ops.slice(stack.apply(ops, tokens), 1, 1)));
      },
    };
  },
});
