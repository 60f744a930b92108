/**
 * Kernel-regression curve head (the seed's newest `KernelRegressionHead`):
 *   y(h, t) = Σᵢ k(u, cᵢ)·βᵢ(h) + μ₁(h) + μ₂(u) + μ₃(h, u),   k(u, c) = exp(−(u − c)²/(2σ²)),
 * with u the steps normalised to the training range, `kernel_num_centers` centres placed at quantiles
 * of the training steps, widths σ = kernel_min_sigma + exp(s) learned (optionally the centres too),
 * and MLPs β, μ₁ (from h), μ₂ (from u) and μ₃ whose first layer is W_h·h + W_t·u (broadcast, no tiling).
 * Every point is computed independently, so grids may differ from row to row.
 */
import { z } from 'zod';
import { Dense } from '../layers/dense';
import { GaussianKernels, centresFromQuantiles } from '../layers/gaussian-kernels';
import { Mlp } from '../layers/mlp';
import { normaliseSteps } from '../layers/steps-encoding';
import { initFor, outputInit } from '../layers/init';
import type { Ops } from '../ops/ops';
import { defineHead } from './head';
import { activationOption, dropoutOption, perPoint, requireSteps, sequenceSteps } from './sequence';

const widths = () => z.array(z.number().int().positive());

export const kernelRegressionHead = defineHead({
  id: 'kernel_regression',
  kind: 'sequence',
  label: 'Curve (Gaussian kernel regression)',
  options: z
    .object({
      kernel_num_centers: z.number().int().min(1).max(256).default(32),
      /** Initial width in normalised step units (the training range is [0, 1]). */
      kernel_init_sigma: z.number().positive().default(0.15),
      kernel_min_sigma: z.number().positive().default(1e-3),
      kernel_learnable_centers: z.boolean().default(false),
      kernel_learnable_sigmas: z.boolean().default(true),
      enable_mu3: z.boolean().default(true),
      beta_hidden_dims: widths().default([64]),
      mu1_hidden_dims: widths().default([64]),
      mu2_hidden_dims: widths().default([32]),
      /** μ₃'s widths; the first is the width of W_h·h + W_t·u. */
      mu3_hidden_dims: widths().min(1).default([64]),
      activation: activationOption,
      dropout: dropoutOption,
    })
    .strict()
    .refine((o) => o.kernel_init_sigma > o.kernel_min_sigma, { message: 'kernel_init_sigma must exceed kernel_min_sigma', path: ['kernel_init_sigma'] }),
  build(ctx, o) {
    const { store, prefix, group, inputDim } = ctx;
    const steps = sequenceSteps(ctx.data, 'kernel_regression');
    const kernels = new GaussianKernels(store, `${prefix}.kernels`, {
      centres: centresFromQuantiles(steps.quantiles, steps, o.kernel_num_centers),
      initSigma: o.kernel_init_sigma,
      minSigma: o.kernel_min_sigma,
      learnableCentres: o.kernel_learnable_centers,
      learnableSigmas: o.kernel_learnable_sigmas,
      group,
    });
    // Hidden layers, then a linear output layer at PyTorch's default scale.
    const mlp = (name: string, inDim: number, hidden: number[], outDim: number) => {
      const body = new Mlp(store, `${prefix}.${name}`, inDim, {
        dims: hidden,
        activation: o.activation,
        norm: false,
        residual: false,
        dropout: o.dropout,
        group,
      });
      const out = new Dense(store, `${prefix}.${name}.out`, body.outDim, outDim, { group, init: outputInit(body.outDim) });
      return { apply: <T>(ops: Ops<T>, x: T) => out.apply(ops, body.apply(ops, x)) };
    };
    const beta = mlp('beta', inputDim, o.beta_hidden_dims, o.kernel_num_centers);
    const mu1 = mlp('mu1', inputDim, o.mu1_hidden_dims, 1);
    const mu2 = mlp('mu2', 1, o.mu2_hidden_dims, 1);
    const [mu3Width, ...mu3Rest] = o.mu3_hidden_dims;
    const mu3 = o.enable_mu3
      ? {
          fromH: new Dense(store, `${prefix}.mu3.h`, inputDim, mu3Width, { group, init: initFor(o.activation) }),
          fromT: new Dense(store, `${prefix}.mu3.t`, 1, mu3Width, { group, init: initFor(o.activation), bias: false }),
          rest: mlp('mu3.rest', mu3Width, mu3Rest, 1),
        }
      : undefined;
    return {
      forward(ops, h, t) {
        const u = normaliseSteps(ops, requireSteps(t, 'kernel_regression'), steps);
        const u3 = ops.expandDims(u, 2);
        const weighted = ops.sum(ops.mul(kernels.apply(ops, u), ops.expandDims(beta.apply(ops, h), 1)), 2, false);
        let pointwise = mu2.apply(ops, u3);
        if (mu3) {
          const first = ops.add(ops.expandDims(mu3.fromH.apply(ops, h), 1), mu3.fromT.apply(ops, u3));
          pointwise = ops.add(pointwise, mu3.rest.apply(ops, ops.dropout(ops.activation(first, o.activation), o.dropout)));
        }
        return ops.add(ops.add(weighted, mu1.apply(ops, h)), perPoint(ops, pointwise));
      },
    };
  },
});
