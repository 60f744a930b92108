/**
 * Training-dynamics data maps (Swayamdipta et al., "Dataset Cartography", EMNLP 2020) per task, as
 * STG-MTL (Sherif et al., arXiv 2307.03374) records them to group tasks: per training sample, per task
 * and per epoch, the model's confidence in the sample's true target.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitRows } from '../data/dataset/batches';
import type { TaskKind, TrainingSet } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import type { MultiTaskModel } from '../model/model';
import type { TrainingCallback } from '../train/callbacks/index';
import { predictSplit } from '../train/evaluate';

/** A run's recorded data maps. */
export interface DataMap {
  tasks: string[];
  kinds: TaskKind[];
  /** The finished epochs recorded (numbered from 0). */
  epochs: number[];
  /** The training rows covered (TrainingSet row indices, ascending) and their ids. */
  rows: number[];
  ids: string[];
  /** confidence[task][epoch][i]: confidence at training row `rows[i]` after that epoch; NaN where the task has no label. */
  confidence: Float32Array[][];
}

/**
 * The confidence in the true target of one row, from the head's output in training units:
 *  - classification: the softmax probability of the true class (the data-map definition);
 *  - regression and curves: exp(−mean |ŷ − y|) over the row's known entries. Targets are standardised
 *    on the training rows, so |ŷ − y| is the residual in units of the task's standard deviation, and the
 *    value is 1 for an exact prediction and 1/e one standard deviation off: the analogue of a class
 *    probability, comparable across tasks.
 * Returns NaN for a row without a known target.
 */
export function rowConfidence(kind: TaskKind, output: ArrayLike<number>, target: ArrayLike<number>, mask: ArrayLike<number>): number {
  if (kind === 'classification') {
    if (!(mask[0] > 0)) return Number.NaN;
    let max = -Infinity;
    for (let c = 0; c < output.length; c++) max = Math.max(max, output[c]);
    let z = 0;
    for (let c = 0; c < output.length; c++) z += Math.exp(output[c] - max);
    return Math.exp(output[target[0]] - max) / z;
  }
  let sum = 0;
  let n = 0;
  for (let k = 0; k < mask.length; k++) {
    if (!(mask[k] > 0)) continue;
    sum += Math.abs(output[k] - target[k]);
    n++;
  }
  return n > 0 ? Math.exp(-sum / n) : Number.NaN;
}

/**
 * A callback that, after every epoch, predicts the training split in inference mode and records each
 * task's confidence per row (see {@link rowConfidence}). Costs one forward pass over the training rows
 * per epoch. A resumed run records from the epoch it resumes at.
 *
 * @example
 * const maps = new DataMapRecorder(model, scaledSet, ['gap', 'metal'], 256);
 * await fit({ ..., callbacks: [..., maps] });
 * await writeDataMap(runDir, maps.result());
 */
export class DataMapRecorder implements TrainingCallback {
  private readonly rows: number[];
  private readonly position: Map<number, number>;
  private readonly epochs: number[] = [];
  private readonly confidence: Float32Array[][];

  constructor(
    private readonly model: MultiTaskModel,
    private readonly set: TrainingSet,
    private readonly tasks: readonly string[],
    private readonly batchSize: number,
  ) {
    for (const t of tasks) if (!set.tasks.some((d) => d.name === t)) throw new CrucibleError('internal', `Data map for unknown task "${t}".`);
    this.rows = Array.from(splitRows(set, 'train'));
    this.position = new Map(this.rows.map((r, i) => [r, i]));
    this.confidence = tasks.map(() => []);
  }

  async onEpochEnd(epoch: number): Promise<void> {
    const out = await predictSplit(this.model, this.set, 'train', this.batchSize, this.tasks);
    this.tasks.forEach((name, t) => {
      const task = this.set.tasks.find((d) => d.name === name)!;
      const w = task.width;
      const outW = task.kind === 'classification' ? task.classes!.length : w;
      const values = new Float32Array(this.rows.length).fill(Number.NaN);
      const output = out.outputs.get(name)!;
      const targets = out.targets.get(name)!;
      const masks = out.masks.get(name)!;
      out.rows.forEach((row, i) => {
        values[this.position.get(row)!] = rowConfidence(
          task.kind,
          output.subarray(i * outW, (i + 1) * outW),
          targets.subarray(i * w, (i + 1) * w),
          masks.subarray(i * w, (i + 1) * w),
        );
      });
      this.confidence[t].push(values);
    });
    this.epochs.push(epoch);
  }

  result(): DataMap {
    return {
      tasks: [...this.tasks],
      kinds: this.tasks.map((n) => this.set.tasks.find((d) => d.name === n)!.kind),
      epochs: [...this.epochs],
      rows: [...this.rows],
      ids: this.rows.map((r) => this.set.ids[r]),
      confidence: this.confidence.map((perEpoch) => [...perEpoch]),
    };
  }
}

const HEADER = 'datamap.json';
const VALUES = 'datamap.bin';

/** Writes `datamap.json` (tasks, epochs, rows, ids) and `datamap.bin` (float32 little-endian confidences, task-major, then epoch, then row). */
export async function writeDataMap(dir: string, map: DataMap): Promise<void> {
  const { confidence, ...header } = map;
  const values = new Float32Array(map.tasks.length * map.epochs.length * map.rows.length);
  confidence.forEach((perEpoch, t) => perEpoch.forEach((v, e) => values.set(v, (t * map.epochs.length + e) * map.rows.length)));
  await writeFile(join(dir, VALUES), new Uint8Array(values.buffer));
  await writeFile(join(dir, HEADER), `${JSON.stringify(header)}\n`);
}

/** Reads a run folder's data maps (written by `crucible group` or a run with data maps on). */
export async function readDataMap(dir: string): Promise<DataMap> {
  let header: Omit<DataMap, 'confidence'>;
  let bytes: Buffer;
  try {
    header = JSON.parse(await readFile(join(dir, HEADER), 'utf8'));
    bytes = await readFile(join(dir, VALUES));
  } catch {
    throw new CrucibleError('not-found', `The run folder ${dir} has no data maps (${HEADER} and ${VALUES}).`, {
      hint: 'Train with data maps on, e.g. with `crucible group CONFIG --k K`, which records them.',
    });
  }
  const n = header.rows.length;
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (values.length !== header.tasks.length * header.epochs.length * n) {
    throw new CrucibleError(
      'bad-input',
      `${join(dir, VALUES)} holds ${values.length} values, but ${HEADER} describes ${header.tasks.length * header.epochs.length * n}.`,
      {
        hint: 'The data maps were cut short; record them again.',
      },
    );
  }
  const confidence = header.tasks.map((_, t) =>
    header.epochs.map((_, e) => values.slice((t * header.epochs.length + e) * n, (t * header.epochs.length + e + 1) * n)),
  );
  return { ...header, confidence };
}

/** Per labelled row: mean confidence and its standard deviation (variability) over the recorded epochs. */
export interface DataMapPoints {
  task: string;
  ids: string[];
  confidence: number[];
  variability: number[];
}

/**
 * The classic data-map scatter of one task (variability on x, confidence on y) over its labelled
 * training rows, every ⌈n / maxPoints⌉-th row when there are more than `maxPoints`.
 */
export function dataMapPoints(map: DataMap, task: string, maxPoints = 5000): DataMapPoints {
  const t = map.tasks.indexOf(task);
  if (t < 0) throw new CrucibleError('not-found', `The data maps have no task "${task}".`, { hint: `Tasks: ${map.tasks.join(', ')}.` });
  const labelled = map.rows.map((_, i) => i).filter((i) => !Number.isNaN(map.confidence[t][0]?.[i] ?? Number.NaN));
  const stride = Math.max(1, Math.ceil(labelled.length / maxPoints));
  const out: DataMapPoints = { task, ids: [], confidence: [], variability: [] };
  for (let k = 0; k < labelled.length; k += stride) {
    const i = labelled[k];
    const { mean, std } = meanStd(map.confidence[t].map((v) => v[i]));
    out.ids.push(map.ids[i]);
    out.confidence.push(mean);
    out.variability.push(std);
  }
  return out;
}

/** Mean and population standard deviation. */
function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

/**
 * Each task's data-map feature vector, STG-MTL's (#epochs, #points, 2) layout flattened: after each
 * recorded epoch e, every row's variability (std) and confidence (mean) over epochs 0..e. Rows cover
 * the training rows some task labels; where a task has no label the value is the task's own mean at
 * that (epoch, quantity), which adds no structure of its own.
 */
export function taskFeatures(map: DataMap): Float32Array[] {
  const n = map.rows.length;
  const used = map.rows.map((_, i) => map.confidence.some((perEpoch) => !Number.isNaN(perEpoch[0]?.[i] ?? Number.NaN)));
  const rows = used.flatMap((u, i) => (u ? [i] : []));
  return map.confidence.map((perEpoch) => {
    const features = new Float32Array(perEpoch.length * rows.length * 2);
    const sum = new Float64Array(n);
    const sumSq = new Float64Array(n);
    perEpoch.forEach((values, e) => {
      const std = new Float64Array(rows.length);
      const mean = new Float64Array(rows.length);
      let labelled = 0;
      let stdTotal = 0;
      let meanTotal = 0;
      rows.forEach((i, k) => {
        const v = values[i];
        if (Number.isNaN(v)) {
          std[k] = mean[k] = Number.NaN;
          return;
        }
        sum[i] += v;
        sumSq[i] += v * v;
        mean[k] = sum[i] / (e + 1);
        std[k] = Math.sqrt(Math.max(sumSq[i] / (e + 1) - mean[k] ** 2, 0));
        labelled++;
        stdTotal += std[k];
        meanTotal += mean[k];
      });
      const offset = e * rows.length * 2;
      rows.forEach((_, k) => {
        features[offset + 2 * k] = Number.isNaN(std[k]) ? stdTotal / Math.max(labelled, 1) : std[k];
        features[offset + 2 * k + 1] = Number.isNaN(mean[k]) ? meanTotal / Math.max(labelled, 1) : mean[k];
      });
    });
    return features;
  });
}
