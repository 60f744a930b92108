/**
 * GradNorm (Chen, Badrinarayanan, Lee & Rabinovich, "GradNorm: Gradient Normalization for Adaptive Loss
 * Balancing in Deep Multitask Networks", ICML 2018): learnable task weights that keep each task's
 * gradient norm on the last shared layer in proportion to its relative training rate.
 */
import { z } from 'zod';
import { tf, type Variable } from '../../model/tf';
import { WEIGHTING_GROUP, assignScalar, defineWeighting, weightedGradSum, weightedSum } from './weighting';

/** Weights are kept at least this large before renormalising, so no task is switched off for good. */
const MIN_WEIGHT = 1e-3;

/**
 * Each step (the paper's Algorithm 1), over the tasks with labels in the batch:
 *  - the network's gradient is Σᵢ wᵢ·∇Lᵢ with the current weights;
 *  - on the last shared layer W, Gᵢ = wᵢ·‖∇_W Lᵢ‖ and Ḡ = meanᵢ Gᵢ;
 *  - the relative inverse training rate is rᵢ = L̃ᵢ / meanⱼ L̃ⱼ with L̃ᵢ = Lᵢ(t) / Lᵢ(0) (Lᵢ(0): the task's
 *    first training loss);
 *  - L_grad = Σᵢ |Gᵢ − Ḡ·rᵢ^α| with the target Ḡ·rᵢ^α held constant, so ∂L_grad/∂wᵢ = sign(Gᵢ − Ḡ·rᵢ^α)·‖∇_W Lᵢ‖;
 *  - wᵢ ← wᵢ − lr·∂L_grad/∂wᵢ, then every weight is renormalised so Σᵢ wᵢ = T (the number of tasks).
 * A larger α pulls harder toward equal training rates. The weights start at the static loss weights,
 * scaled to sum to T. Weights and first losses live in the ParamStore (group 'weighting', frozen to
 * the optimiser: only this rule moves them), so checkpoints and resumed runs carry them.
 * Logs `<task>_weight` (wᵢ) each epoch.
 *
 * @example weighting: { strategy: gradnorm, options: { alpha: 1.5, lr: 0.025 } }
 */
export const gradNormWeighting = defineWeighting({
  id: 'gradnorm',
  label: 'GradNorm (Chen et al. 2018)',
  options: z
    .object({
      /** Asymmetry α: how strongly tasks that train slower get larger gradients (the paper tries 0.06–3). */
      alpha: z.number().min(0).default(1.5),
      /** Learning rate of the task weights (plain gradient descent on L_grad). */
      lr: z.number().positive().default(0.025),
    })
    .strict(),
  create(ctx, options) {
    const count = ctx.tasks.length;
    const staticTotal = ctx.tasks.reduce((a, t) => a + ctx.weights.get(t)!, 0);
    const variable = (name: string, value: number): Variable =>
      ctx.store.has(name) ? ctx.store.get(name) : ctx.store.create(name, [], { values: Float32Array.of(value) }, WEIGHTING_GROUP);
    const weightVar = new Map(ctx.tasks.map((t) => [t, variable(`weighting.gradnorm_weight.${t}`, (count * ctx.weights.get(t)!) / staticTotal)]));
    // 0 = not seen yet; the first loss of a task is always positive in practice (a zero loss is clamped below).
    const initialVar = new Map(ctx.tasks.map((t) => [t, variable(`weighting.gradnorm_initial_loss.${t}`, 0)]));
    ctx.store.setFrozen((s) => s.name.startsWith('weighting.gradnorm_'));
    const read = (v: Variable) => v.dataSync()[0];
    const weight = (task: string) => read(weightVar.get(task)!);

    return {
      combine: (rawLosses) => weightedSum(rawLosses, weight),
      combineGradients(perTask, rawLosses, step) {
        const tasks = [...perTask.keys()];
        const w = tasks.map(weight);
        const combined = weightedGradSum(perTask, (task) => w[tasks.indexOf(task)]);
        for (const task of tasks) {
          if (read(initialVar.get(task)!) <= 0) assignScalar(initialVar.get(task)!, Math.max(rawLosses.get(task)!, 1e-12));
        }
        const normTensor = tf.tidy(() =>
          tf.stack(
            tasks.map((task) => {
              const grads = perTask.get(task)!;
              const squares = step.lastSharedLayer.filter((p) => grads[p]).map((p) => tf.sum(tf.square(grads[p])));
              return squares.length ? tf.sqrt(tf.addN(squares)) : tf.scalar(0);
            }),
          ),
        );
        const norms = Array.from(normTensor.dataSync());
        normTensor.dispose();
        const G = norms.map((n, i) => w[i] * n);
        const meanG = G.reduce((a, b) => a + b, 0) / tasks.length;
        const rates = tasks.map((task) => rawLosses.get(task)! / read(initialVar.get(task)!));
        const meanRate = rates.reduce((a, b) => a + b, 0) / tasks.length;
        tasks.forEach((task, i) => {
          const target = meanG * (rates[i] / meanRate) ** options.alpha;
          const updated = Math.max(w[i] - options.lr * Math.sign(G[i] - target) * norms[i], MIN_WEIGHT);
          assignScalar(weightVar.get(task)!, updated);
        });
        const total = ctx.tasks.reduce((a, t) => a + weight(t), 0);
        for (const task of ctx.tasks) assignScalar(weightVar.get(task)!, (weight(task) * count) / total);
        return combined;
      },
      logs: () => Object.fromEntries(ctx.tasks.map((t) => [`${t}_weight`, weight(t)])),
    };
  },
});
