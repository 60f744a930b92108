/** Classification head: an MLP to one logit per class (binary tasks use two classes). */
import { z } from 'zod';
import { Mlp } from '../layers/mlp';
import { defineHead } from './head';

export const classificationHead = defineHead({
  id: 'classification',
  kind: 'classification',
  label: 'Classification (MLP, softmax)',
  options: z
    .object({
      hidden_dims: z.array(z.number().int().positive()).default([64]),
      activation: z.enum(['relu', 'leaky_relu', 'tanh', 'gelu', 'silu']).default('leaky_relu'),
      norm: z.boolean().default(true),
      dropout: z.number().min(0).max(0.9).default(0),
    })
    .strict(),
  build(ctx, o) {
    const mlp = new Mlp(ctx.store, ctx.prefix, ctx.inputDim, {
      dims: [...o.hidden_dims, ctx.data.width],
      activation: o.activation,
      norm: o.norm,
      residual: false,
      dropout: o.dropout,
      group: ctx.group,
      linearOutput: true,
    });
    return { forward: (ops, h) => mlp.apply(ops, h) };
  },
});
