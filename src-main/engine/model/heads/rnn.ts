/**
 * Recurrent curve head (seed `rnn`, models/multi_task_flexible.py@796248e): each step embedded from its
 * x value, FiLM-conditioned on the deposit output (γ, β = Linear(h)), a stack of GRU or LSTM layers
 * over the points in order, then Linear → 1 per point.
 */
import { z } from 'zod';
import { Film } from '../layers/film';
import { RecurrentStack } from '../layers/recurrent';
import { StepsEmbedding } from '../layers/steps-encoding';
import { defineHead } from './head';
import { dropoutOption, perPoint, pointOutput, requireSteps, sequenceSteps, stepFrequenciesOption } from './sequence';

export const rnnHead = defineHead({
  id: 'rnn',
  kind: 'sequence',
  label: 'Curve (GRU/LSTM, FiLM-conditioned)',
  options: z
    .object({
      /** Width of the step embedding and of the recurrent state (seed default 128). */
      hidden: z.number().int().positive().default(64),
      cell: z.enum(['gru', 'lstm']).default('gru'),
      /** Recurrent layers (the seed uses 2). */
      num_layers: z.number().int().min(1).max(6).default(2),
      step_frequencies: stepFrequenciesOption,
      dropout: dropoutOption,
    })
    .strict(),
  build(ctx, o) {
    const steps = new StepsEmbedding(ctx.store, `${ctx.prefix}.steps`, sequenceSteps(ctx.data, 'rnn'), o.step_frequencies, o.hidden, ctx.group);
    const film = new Film(ctx.store, `${ctx.prefix}.film`, ctx.inputDim, o.hidden, ctx.group);
    const rnn = new RecurrentStack(ctx.store, `${ctx.prefix}.rnn`, o.hidden, o.hidden, o.cell, o.num_layers, o.dropout, ctx.group);
    const out = pointOutput(ctx, o.hidden);
    return {
      forward(ops, h, t) {
        const x = film.apply(ops, steps.apply(ops, requireSteps(t, 'rnn')), h);
        return perPoint(ops, out.apply(ops, rnn.apply(ops, x)));
      },
    };
  },
});
