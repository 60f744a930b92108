/**
 * PCGrad, projecting conflicting gradients (Yu, Kumar, Gupta, Levine, Hausman & Finn, "Gradient Surgery
 * for Multi-Task Learning", NeurIPS 2020, Algorithm 1).
 */
import { z } from 'zod';
import { tf } from '../../model/tf';
import type { Rng } from '../../util/random';
import { defineWeighting, weightedGradSum, weightedSum } from './weighting';

/**
 * The coefficients cₖ with Σᵢ gᵢ^PC = Σₖ cₖ·gₖ, from the Gram matrix G of the task gradients. Each
 * projected gradient stays in the span of the gₖ, so the projections run on its coefficients a
 * (⟨g^PC, gⱼ⟩ = Σₖ aₖ·Gₖⱼ) instead of on million-entry vectors: the result equals the paper's.
 */
export function pcgradCoefficients(gram: readonly (readonly number[])[], rng: Rng): number[] {
  const n = gram.length;
  const total = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const a = new Array<number>(n).fill(0);
    a[i] = 1;
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    for (const j of rng.shuffle(others)) {
      const dot = a.reduce((s, ak, k) => s + ak * gram[k][j], 0);
      if (dot < 0 && gram[j][j] > 0) a[j] -= dot / gram[j][j];
    }
    a.forEach((ak, k) => (total[k] += ak));
  }
  return total;
}

/**
 * For each task i in turn, gᵢ^PC starts at gᵢ and, for every other task j in random order, loses its
 * component along gⱼ whenever the two conflict (⟨gᵢ^PC, gⱼ⟩ < 0): gᵢ^PC ← gᵢ^PC − ⟨gᵢ^PC, gⱼ⟩/‖gⱼ‖²·gⱼ.
 * The step is Σᵢ gᵢ^PC. Projections act on the shared parameters as one vector; each head keeps its
 * own task's gradient. Task gradients are first scaled by the static loss weights wᵢ, and the total loss
 * is Σ wᵢ·Lᵢ. No hyper-parameters; logs `<task>_weight` (wᵢ).
 *
 * @example weighting: { strategy: pcgrad }
 */
export const pcGradWeighting = defineWeighting({
  id: 'pcgrad',
  label: 'PCGrad (Yu et al. 2020)',
  options: z.object({}).strict(),
  create(ctx) {
    const weight = (task: string) => ctx.weights.get(task)!;
    return {
      combine: (rawLosses) => weightedSum(rawLosses, weight),
      combineGradients(perTask, _rawLosses, step) {
        const tasks = [...perTask.keys()];
        const shared = step.shared.filter((p) => tasks.some((t) => perTask.get(t)![p]));
        if (tasks.length < 2 || shared.length === 0) return weightedGradSum(perTask, weight);
        const gramTensor = tf.tidy(() => {
          const rows = tasks.map((t) => {
            const grads = perTask.get(t)!;
            return tf.concat(
              shared.map((p) => (grads[p] ? tf.reshape(tf.mul(grads[p], weight(t)), [-1]) : tf.zeros([ctx.store.spec(p).shape.reduce((a, b) => a * b, 1)]))),
            );
          });
          const v = tf.stack(rows);
          return tf.matMul(v, v, false, true);
        });
        const flat = gramTensor.dataSync();
        gramTensor.dispose();
        const gram = tasks.map((_, i) => tasks.map((_, j) => flat[i * tasks.length + j]));
        const c = pcgradCoefficients(gram, step.rng);
        const sharedSet = new Set(shared);
        return weightedGradSum(perTask, (task, param) => weight(task) * (sharedSet.has(param) ? c[tasks.indexOf(task)] : 1));
      },
      logs: () => Object.fromEntries(ctx.tasks.map((t) => [`${t}_weight`, weight(t)])),
    };
  },
});
