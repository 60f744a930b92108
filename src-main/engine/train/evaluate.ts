/**
 * Evaluation: predictions over a split in batches, losses in training units, and metrics in the
 * user's units (targets and predictions un-scaled), per task and overall.
 */
import { iterateBatches } from '../data/dataset/batches';
import { unstandardize, type ScalingParams } from '../data/dataset/scaling';
import type { SplitName, TrainingSet } from '../data/dataset/types';
import type { MultiTaskModel } from '../model/model';
import { createTfOps } from '../model/ops/tf-ops';
import { tf } from '../model/tf';
import { batchInputs } from './batch-tensors';
import { overallMetrics, taskMetrics, type MetricValues } from './metrics';

/** Row-major outputs of every task over the rows of one split, in split-row order. */
export interface SplitOutputs {
  rows: Int32Array;
  /** Per task: rows × width outputs in training units (classification: logits rows × classes). */
  outputs: Map<string, Float32Array>;
  targets: Map<string, Float32Array>;
  masks: Map<string, Float32Array>;
}

export async function predictSplit(
  model: MultiTaskModel,
  set: TrainingSet,
  split: SplitName,
  batchSize: number,
  tasks: readonly string[],
): Promise<SplitOutputs> {
  const ops = createTfOps(model.store, { training: false });
  const chunks = new Map<string, Float32Array[]>(tasks.map((t) => [t, []]));
  const targetChunks = new Map<string, Float32Array[]>(tasks.map((t) => [t, []]));
  const maskChunks = new Map<string, Float32Array[]>(tasks.map((t) => [t, []]));
  const rows: Int32Array[] = [];
  for (const batch of iterateBatches(set, { split, batchSize, seed: 0, shuffle: false }, 0)) {
    rows.push(batch.rows);
    const result = tf.tidy(() => model.forward(ops, batchInputs(set, batch), tasks));
    // `data()` rather than `dataSync()`: on the wasm backend the synchronous read of a large tensor is far slower.
    const values = await Promise.all(tasks.map((t) => result[t].data() as Promise<Float32Array>));
    tf.dispose(Object.values(result));
    const out = Object.fromEntries(tasks.map((t, i) => [t, values[i]]));
    set.tasks.forEach((task, i) => {
      if (!chunks.has(task.name)) return;
      chunks.get(task.name)!.push(out[task.name]);
      targetChunks.get(task.name)!.push(batch.tasks[i].targets);
      maskChunks.get(task.name)!.push(batch.tasks[i].mask);
    });
  }
  const join = (parts: Float32Array[]) => {
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return all;
  };
  const joinMap = (m: Map<string, Float32Array[]>) => new Map([...m].map(([k, v]) => [k, join(v)]));
  const allRows = new Int32Array(rows.reduce((a, r) => a + r.length, 0));
  let o = 0;
  for (const r of rows) {
    allRows.set(r, o);
    o += r.length;
  }
  return { rows: allRows, outputs: joinMap(chunks), targets: joinMap(targetChunks), masks: joinMap(maskChunks) };
}

/** The task's loss on known entries, in training units: MSE, or cross-entropy from logits (class-weighted). */
export function hostLoss(kind: string, out: Float32Array, target: Float32Array, mask: Float32Array, classWeights?: number[]): number | undefined {
  let sum = 0;
  let denom = 0;
  if (kind === 'classification') {
    const classes = out.length / mask.length;
    for (let i = 0; i < mask.length; i++) {
      if (!(mask[i] > 0)) continue;
      const base = i * classes;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, out[base + c]);
      let z = 0;
      for (let c = 0; c < classes; c++) z += Math.exp(out[base + c] - max);
      const label = target[i];
      const w = classWeights ? classWeights[label] : 1;
      sum += w * (Math.log(z) + max - out[base + label]);
      denom += w;
    }
  } else {
    for (let k = 0; k < mask.length; k++) {
      if (!(mask[k] > 0)) continue;
      const d = out[k] - target[k];
      sum += d * d;
      denom += 1;
    }
  }
  return denom > 0 ? sum / denom : undefined;
}

/** Un-scales a task's outputs and targets into the user's units (classification stays as it is). */
export function toUserUnits(scaling: ScalingParams, task: string, values: Float32Array): Float32Array {
  const s = scaling.tasks.find((t) => t.name === task)?.targets;
  return s ? unstandardize(values, s) : values;
}

export interface SplitEvaluation {
  /** Per task: loss in training units (absent when the split has no label for it). */
  losses: Map<string, number>;
  /** Per task: metrics in the user's units. */
  metrics: Record<string, MetricValues>;
  overall: MetricValues;
  outputs: SplitOutputs;
}

export async function evaluateSplit(
  model: MultiTaskModel,
  set: TrainingSet,
  scaling: ScalingParams,
  split: SplitName,
  batchSize: number,
  tasks: readonly string[],
  classWeights: Record<string, number[] | undefined> = {},
): Promise<SplitEvaluation> {
  return scoreSplit(set, scaling, await predictSplit(model, set, split, batchSize, tasks), tasks, classWeights);
}

/** Losses and metrics of outputs over a split (a model's, or an ensemble's combined ones). */
export function scoreSplit(
  set: TrainingSet,
  scaling: ScalingParams,
  outputs: SplitOutputs,
  tasks: readonly string[],
  classWeights: Record<string, number[] | undefined> = {},
): SplitEvaluation {
  const losses = new Map<string, number>();
  const metrics: Record<string, MetricValues> = {};
  for (const task of set.tasks) {
    if (!tasks.includes(task.name)) continue;
    const out = outputs.outputs.get(task.name)!;
    const target = outputs.targets.get(task.name)!;
    const mask = outputs.masks.get(task.name)!;
    const loss = hostLoss(task.kind, out, target, mask, classWeights[task.name]);
    if (loss !== undefined) losses.set(task.name, loss);
    metrics[task.name] = taskMetrics(task.kind, toUserUnits(scaling, task.name, out), toUserUnits(scaling, task.name, target), mask, task.width);
  }
  return { losses, metrics, overall: overallMetrics(metrics), outputs };
}
