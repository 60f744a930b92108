/**
 * An ensemble's members' outputs over one split as one model's: regression and curves average the members'
 * predictions (training units, where scaling is the same affine map for every member, so the mean commutes with
 * it) and keep their spread; classification averages the members' class probabilities, stored as log-probabilities
 * so that everything reading logits (softmax, losses, metrics) reads the ensemble's probabilities unchanged.
 */
import type { TaskKind } from '../../data/dataset/types';
import type { SplitOutputs } from '../../train/evaluate';

export interface CombinedOutputs {
  outputs: SplitOutputs;
  /** Regression and sequence tasks: the members' population std per output entry, in training units. */
  spread: Map<string, Float32Array>;
}

function softmaxRows(logits: Float32Array, classes: number): Float64Array {
  const p = new Float64Array(logits.length);
  for (let base = 0; base < logits.length; base += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[base + c]);
    let z = 0;
    for (let c = 0; c < classes; c++) z += p[base + c] = Math.exp(logits[base + c] - max);
    for (let c = 0; c < classes; c++) p[base + c] /= z;
  }
  return p;
}

export function combineOutputs(members: readonly SplitOutputs[], kinds: ReadonlyMap<string, TaskKind>): CombinedOutputs {
  const [first] = members;
  if (!first) throw new Error('combineOutputs needs at least one member');
  for (const m of members) {
    if (m.rows.length !== first.rows.length || m.rows.some((r, i) => r !== first.rows[i])) throw new Error('ensemble members predicted different rows');
  }
  const n = members.length;
  const outputs = new Map<string, Float32Array>();
  const spread = new Map<string, Float32Array>();
  for (const [task, kind] of kinds) {
    const parts = members.map((m) => m.outputs.get(task)!);
    const length = parts[0].length;
    if (kind === 'classification') {
      const rows = first.masks.get(task)!.length;
      const classes = rows > 0 ? length / rows : 0;
      const mean = new Float64Array(length);
      for (const p of parts) softmaxRows(p, classes).forEach((v, k) => (mean[k] += v / n));
      // Floor at the smallest positive float32 so a class every member rules out stays finite.
      outputs.set(
        task,
        Float32Array.from(mean, (v) => Math.log(Math.max(v, 1e-38))),
      );
      continue;
    }
    const mean = new Float32Array(length);
    const std = new Float32Array(length);
    for (let k = 0; k < length; k++) {
      let sum = 0;
      for (const p of parts) sum += p[k];
      const mu = sum / n;
      let squares = 0;
      for (const p of parts) squares += (p[k] - mu) ** 2;
      mean[k] = mu;
      std[k] = Math.sqrt(squares / n);
    }
    outputs.set(task, mean);
    spread.set(task, std);
  }
  return { outputs: { rows: first.rows, outputs, targets: first.targets, masks: first.masks }, spread };
}
