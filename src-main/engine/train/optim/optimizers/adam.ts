/** Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015), as PyTorch's `torch.optim.Adam`. */
import { z } from 'zod';
import { tf, type Tensor, type Variable } from '../../../model/tf';
import { defineOptimizer, type ParamUpdate, type Slot } from './optimizer-type';

const beta = z.number().min(0).lt(1);

/** Adam's and AdamW's hyper-parameters: the moments' decay rates and the denominator's ε (the seed's OptimizerConfig defaults). */
export const adamOptions = z.strictObject({
  betas: z.tuple([beta, beta]).default([0.9, 0.999]),
  /** The seed's default; PyTorch's is 1e-8. */
  eps: z.number().positive().default(1e-6),
});
export type AdamOptions = z.output<typeof adamOptions>;

/**
 * The Adam update with weight decay either as an L2 term (g ← g + wd·p, PyTorch `Adam(weight_decay=…)`) or
 * decoupled (p ← p·(1 − lr·wd) before the step, AdamW). `m` and `v` hold the first and second moments; the
 * bias corrections use the parameter's own step count, as in PyTorch.
 */
export function adamUpdate(o: AdamOptions, decoupled: boolean): ParamUpdate {
  const [beta1, beta2] = o.betas;
  return {
    initialV: 0,
    apply(p: Variable, grad: Tensor, slot: Slot, lr: number, weightDecay: number) {
      // PyTorch's form: the bias corrections are host scalars, step = lr / (1 − β₁ᵗ), denom = √v / √(1 − β₂ᵗ) + ε.
      const bc1 = 1 - beta1 ** slot.step;
      const bc2Sqrt = Math.sqrt(1 - beta2 ** slot.step);
      let g = grad;
      let base: Tensor = p;
      if (weightDecay > 0) {
        if (decoupled) base = tf.mul(p, 1 - lr * weightDecay);
        else g = tf.add(g, tf.mul(p, weightDecay));
      }
      slot.m.assign(tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1)));
      slot.v.assign(tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2)));
      const denom = tf.add(tf.div(tf.sqrt(slot.v), bc2Sqrt), o.eps);
      p.assign(tf.sub(base, tf.mul(tf.div(slot.m, denom), lr / bc1)));
    },
  };
}

/** @example optimizer: { optimizer_type: adam, lr: 0.001, betas: [0.9, 0.999], eps: 1.0e-6 } */
export const adamOptimizer = defineOptimizer({
  id: 'adam',
  label: 'Adam',
  options: adamOptions,
  create: (o) => adamUpdate(o, false),
});
