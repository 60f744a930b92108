/**
 * Real-data fixtures for export tests: rows of the shared data sets featurized, assembled and scaled as
 * training does, small models on them trained for a few steps, and the tfjs reference predictions in
 * physical units that an exported model must reproduce.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { applyScaling, assembleTrainingSet, fitScaling, standardize, unstandardize } from '../../../../src-main/engine/data/dataset';
import type { Column, ScalingParams, TaskSpec, TrainingSet } from '../../../../src-main/engine/data/dataset';
import { SPLIT_TRAIN } from '../../../../src-main/engine/data/dataset/types';
import { featurizeFormulas, type Featurizer } from '../../../../src-main/engine/data/featurize';
import type { HeadDataInfo } from '../../../../src-main/engine/model/heads/head';
import type { EncoderOptions } from '../../../../src-main/engine/model/encoder';
import type { ModelInputs, ModelSpec, MultiTaskModel } from '../../../../src-main/engine/model/model';
import { createTfOps } from '../../../../src-main/engine/model/ops/tf-ops';
import { tf, type Tensor } from '../../../../src-main/engine/model/tf';
import { dataSet } from '../../../helpers/paths';
import type { Feed } from './onnx-harness';

export interface Fixture {
  set: TrainingSet;
  scaling: ScalingParams;
  featurizer: Featurizer;
}

interface FixtureSource {
  /** CSV under the shared data folder. */
  file: string;
  rows: number;
  numbers?: string[];
  lists?: string[];
  tasks: TaskSpec[];
  /** Numeric columns used as structure descriptors; every third row is given none. */
  structure?: string[];
}

async function readColumns(file: string, names: string[], rows: number): Promise<Record<string, (string | null)[]>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const list = names.map((n) => `"${n}"`).join(', ');
    const read = await connection.runAndReadAll(`SELECT ${list} FROM read_csv('${dataSet(file)}', header = true, all_varchar = true) LIMIT ${rows}`);
    const columns = read.getColumnsJS() as (string | null)[][];
    return Object.fromEntries(names.map((n, i) => [n, columns[i]]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const toNumber = (cell: string | null) => (cell === null || cell === '' ? NaN : Number(cell));

export async function loadFixture(source: FixtureSource): Promise<Fixture> {
  const numbers = [...(source.numbers ?? []), ...(source.structure ?? [])];
  const raw = await readColumns(source.file, ['formula', ...numbers, ...(source.lists ?? [])], source.rows);
  const columns: Record<string, Column> = {};
  for (const n of numbers) columns[n] = { kind: 'number', values: Float64Array.from(raw[n], toNumber) };
  for (const n of source.lists ?? []) columns[n] = { kind: 'list', values: raw[n].map((c) => (c ? Float64Array.from(JSON.parse(c) as number[]) : null)) };
  const formulas = raw.formula.map((f) => f ?? '');
  const { featurizer, values } = featurizeFormulas(formulas);
  let structure;
  if (source.structure) {
    const names = source.structure;
    const s = new Float64Array(formulas.length * names.length);
    formulas.forEach((_, r) => names.forEach((n, j) => (s[r * names.length + j] = r % 3 === 2 ? NaN : (columns[n] as { values: Float64Array }).values[r])));
    structure = { names, values: s };
  }
  const set = assembleTrainingSet({
    descriptors: { names: [...featurizer.featureNames], values },
    structure,
    formulas,
    columns,
    tasks: source.tasks,
    split: { seed: 1 },
  });
  return { set, scaling: fitScaling(set), featurizer };
}

/** What a head needs to know about its task's data, measured on the training rows. */
export function headData(set: TrainingSet, taskName: string): HeadDataInfo {
  const task = set.tasks.find((t) => t.name === taskName)!;
  if (task.kind === 'classification') return { width: task.classes!.length };
  if (task.kind !== 'sequence') return { width: task.width };
  const points: number[] = [];
  for (let r = 0; r < set.n; r++) {
    if (set.split[r] !== SPLIT_TRAIN) continue;
    for (let k = 0; k < task.lengths![r]; k++) points.push(task.steps![r * task.width + k]);
  }
  points.sort((a, b) => a - b);
  const quantiles = Array.from({ length: 11 }, (_, i) => points[Math.round((i / 10) * (points.length - 1))]);
  return { width: task.width, steps: { min: points[0], max: points[points.length - 1], quantiles } };
}

export function encoderFor(fx: Fixture, extra: Partial<EncoderOptions> = {}): EncoderOptions {
  return {
    inputDim: fx.set.featureNames.length,
    hiddenDims: [32, 32],
    depositDim: 16,
    activation: 'leaky_relu',
    norm: true,
    residual: true,
    dropout: 0.1,
    ...(fx.set.structure ? { structure: { inputDim: fx.set.structure.names.length, hiddenDims: [16, 32] } } : {}),
    ...extra,
  };
}

/** A spec with one task per (task name, head id) of the fixture, default head options unless given. */
export function specFor(fx: Fixture, heads: Record<string, string>, extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    encoder: encoderFor(fx),
    tasks: Object.entries(heads).map(([name, head]) => {
      const task = fx.set.tasks.find((t) => t.name === name)!;
      return { name, kind: task.kind, head, headOptions: {}, data: headData(fx.set, name) };
    }),
    ...extra,
  };
}

function tfInputs(
  model: MultiTaskModel,
  x: Float32Array,
  rows: number,
  structure?: { values: Float32Array; has: Float32Array },
  steps?: Record<string, Feed>,
): ModelInputs<Tensor> {
  const d = model.spec.encoder.inputDim;
  return {
    x: tf.tensor(x, [rows, d]),
    ...(structure
      ? { structure: { values: tf.tensor(structure.values, [rows, structure.values.length / rows]), has: tf.tensor(structure.has, [rows, 1]) } }
      : {}),
    steps: Object.fromEntries(Object.entries(steps ?? {}).map(([task, f]) => [task, tf.tensor(f.data, f.dims)])),
  };
}

/** A few Adam steps on the scaled training rows (masked MSE, cross-entropy), so no weight keeps its initial value. */
export function trainBriefly(model: MultiTaskModel, fx: Fixture, steps = 6): void {
  const scaled = applyScaling(fx.set, fx.scaling);
  const n = scaled.n;
  let seed = 0;
  const ops = createTfOps(model.store, { training: true, nextSeed: () => ++seed });
  const optimizer = tf.train.adam(0.01);
  const has = scaled.structure ? Float32Array.from(scaled.structure.hasStructure) : undefined;
  const stepsFeeds = Object.fromEntries(scaled.tasks.filter((t) => t.steps).map((t) => [t.name, { data: t.steps!, dims: [n, t.width] }]));
  const loss = () =>
    tf.tidy(() => {
      const inputs = tfInputs(model, scaled.features, n, scaled.structure && has ? { values: scaled.structure.values, has } : undefined, stepsFeeds);
      const out = model.forward(ops, inputs);
      const terms = scaled.tasks
        .filter((t) => out[t.name])
        .map((t) => {
          if (t.kind === 'classification') {
            const labels = tf.oneHot(tf.tensor1d(Int32Array.from(t.targets), 'int32'), t.classes!.length);
            return tf.losses.softmaxCrossEntropy(labels, out[t.name], tf.tensor1d(Float32Array.from(t.valid)));
          }
          const mask = tf.tensor(Float32Array.from(t.mask), [n, t.width]);
          const err = tf.mul(tf.square(tf.sub(out[t.name], tf.tensor(t.targets, [n, t.width]))), mask);
          return tf.div(tf.sum(err), tf.maximum(tf.sum(mask), 1));
        });
      return tf.addN(terms) as tf.Scalar;
    });
  for (let i = 0; i < steps; i++) optimizer.minimize(loss, false, model.store.trainable());
  optimizer.dispose();
}

/** Inputs for prediction on some rows: raw descriptors (NaN kept), raw structure, steps. */
export interface PredictRows {
  n: number;
  descriptors: Float32Array;
  structure?: { values: Float32Array; has: Float32Array };
  steps: Record<string, Feed>;
}

/** The first `count` rows of the fixture as raw inputs, plus `extra` rows of all-missing descriptors. */
export function predictRows(fx: Fixture, count: number, extra = 1): PredictRows {
  const d = fx.set.featureNames.length;
  const n = count + extra;
  const descriptors = new Float32Array(n * d).fill(NaN);
  descriptors.set(fx.set.features.subarray(0, count * d));
  // One missing value in an otherwise described row: imputed with the training mean.
  descriptors[d + 5] = NaN;
  const s = fx.set.structure;
  let structure: PredictRows['structure'];
  if (s) {
    const w = s.names.length;
    const values = new Float32Array(n * w).fill(NaN);
    const has = new Float32Array(n);
    for (let r = 0; r < count; r++) {
      has[r] = s.hasStructure[r];
      if (has[r]) values.set(s.values.subarray(r * w, r * w + w), r * w);
    }
    structure = { values, has };
  }
  const steps: Record<string, Feed> = {};
  for (const t of fx.set.tasks.filter((task) => task.steps)) {
    const data = new Float32Array(n * t.width);
    data.set(t.steps!.subarray(0, count * t.width));
    steps[t.name] = { data, dims: [n, t.width] };
  }
  return { n, descriptors, structure, steps };
}

/**
 * What the exported model must output, computed the training way: standardize in JS (NaN → 0, rows
 * without a structure zeroed), tfjs forward in inference mode, then unstandardize or softmax.
 */
export function tfReference(model: MultiTaskModel, fx: Fixture, rows: PredictRows): Record<string, { data: Float32Array; dims: number[] }> {
  const x = standardize(rows.descriptors, fx.scaling.features);
  let structure: PredictRows['structure'];
  if (rows.structure && fx.scaling.structure) {
    const values = standardize(rows.structure.values, fx.scaling.structure);
    const w = fx.scaling.structure.mean.length;
    for (let r = 0; r < rows.n; r++) if (!rows.structure.has[r]) values.fill(0, r * w, r * w + w);
    structure = { values, has: rows.structure.has };
  }
  return tf.tidy(() => {
    const out = model.forward(createTfOps(model.store, { training: false }), tfInputs(model, x, rows.n, structure, rows.steps));
    return Object.fromEntries(
      model.spec.tasks.map((task) => {
        const y = out[task.name];
        const targets = fx.scaling.tasks.find((t) => t.name === task.name)!.targets;
        const data = task.kind === 'classification' ? tf.softmax(y).dataSync().slice() : unstandardize(y.dataSync() as Float32Array, targets!);
        return [task.name, { data: Float32Array.from(data), dims: y.shape }];
      }),
    );
  });
}
