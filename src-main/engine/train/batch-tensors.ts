/** Turns a host batch (flat Float32Arrays) into the model's input tensors. */
import type { Batch } from '../data/dataset/batches';
import type { TrainingSet } from '../data/dataset/types';
import { gatherTokens } from '../data/featurize/element-tokens';
import type { ModelInputs } from '../model/model';
import { tf, type Tensor } from '../model/tf';

/**
 * @param dropStructure modality dropout: the whole batch is seen without its structure descriptors
 *   (the seed drops the modality per step), so the encoder learns to work from formulas alone.
 */
export function batchInputs(set: TrainingSet, batch: Batch, dropStructure = false): ModelInputs<Tensor> {
  const b = batch.size;
  const inputs: ModelInputs<Tensor> = { x: tf.tensor2d(batch.features, [b, set.featureNames.length]) };
  if (set.structure && batch.structure && batch.hasStructure) {
    inputs.structure = {
      values: tf.tensor2d(batch.structure, [b, set.structure.names.length]),
      has: dropStructure ? tf.zeros([b, 1]) : tf.tensor2d(batch.hasStructure, [b, 1]),
    };
  }
  const c = set.composition;
  if (c) {
    const t = gatherTokens(c, batch.rows);
    inputs.composition = { tokens: tf.tensor3d(t.features, [b, t.length, c.table.width]), fractions: tf.tensor2d(t.fractions, [b, t.length]) };
  }
  const steps: Record<string, Tensor> = {};
  set.tasks.forEach((task, t) => {
    const s = batch.tasks[t].steps;
    if (s) steps[task.name] = tf.tensor2d(s, [b, task.width]);
  });
  inputs.steps = steps;
  return inputs;
}
