/** AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019), as PyTorch's `torch.optim.AdamW`. */
import { adamOptions, adamUpdate } from './adam';
import { defineOptimizer } from './optimizer-type';

/** Adam with the weight decay decoupled from the moments: p ← p·(1 − lr·wd), then Adam's step. The seed's default optimiser. */
export const adamwOptimizer = defineOptimizer({
  id: 'adamw',
  label: 'AdamW (decoupled weight decay)',
  options: adamOptions,
  create: (o) => adamUpdate(o, true),
});
