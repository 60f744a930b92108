/**
 * Outputs inside physics: a task whose training labels are all ≥ 0 gets a lower bound of 0 (recorded in the run's
 * config.yaml), and no input, however far from the data, gets a prediction below it, in TensorFlow.js and in the
 * exported ONNX graph; an upper bound holds the same way, and `lower_bound: null` turns the bound off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src-main/engine/config/index';
import { unstandardize } from '../../../../src-main/engine/data/dataset/scaling';
import { exportModelToOnnx } from '../../../../src-main/engine/export/onnx/export-model';
import { onnxIo } from '../../../../src-main/engine/export/onnx/io-names';
import { MultiTaskModel } from '../../../../src-main/engine/model/model';
import { createTfOps } from '../../../../src-main/engine/model/ops/tf-ops';
import { tf } from '../../../../src-main/engine/model/tf';
import { readCheckpointFile, restoreSession } from '../../../../src-main/engine/train/training-state';
import { Rng } from '../../../../src-main/engine/util/random';
import { DOS_RUN, GAP_RUN, trainRun } from '../export/bundle/trained-runs';
import { runOnnx } from '../export/onnx-harness';
import { scratchDir } from '../../../helpers/paths';

const ROWS = 400;

/** Descriptors far outside the data: each column its training mean ± up to 30 standard deviations. */
function wildDescriptors(features: { mean: number[]; std: number[] }, seed: number): Float32Array {
  const rng = new Rng(seed);
  const d = features.mean.length;
  return Float32Array.from({ length: ROWS * d }, (_, k) => features.mean[k % d] + (rng.float() * 60 - 30) * features.std[k % d]);
}

async function loaded(runDir: string) {
  const contents = await readCheckpointFile(join(runDir, 'checkpoints', 'best.ckpt'));
  const model = new MultiTaskModel(contents.header.modelSpec, 0);
  restoreSession(contents, model);
  return { model, header: contents.header };
}

describe('bounded outputs', () => {
  const scratch = scratchDir('crucible-bounds-');
  const runs: Record<string, string> = {};
  beforeAll(async () => {
    runs.gap = await trainRun(GAP_RUN, join(scratch.dir, 'gap'));
    runs.dos = await trainRun(DOS_RUN, join(scratch.dir, 'dos'));
  }, 180_000);
  afterAll(() => scratch.cleanup());

  it('decides a lower bound of 0 for tasks whose training labels are all ≥ 0, and records it in config.yaml', () => {
    const gap = readFileSync(join(runs.gap, 'config.yaml'), 'utf8');
    expect(gap).toMatch(/name: band_gap\n(.*\n)*?\s+lower_bound: 0\n/);
    expect(gap).not.toMatch(/name: is_metal\n[^-]*lower_bound/);
    expect(readFileSync(join(runs.dos, 'config.yaml'), 'utf8')).toMatch(/lower_bound: 0/);
    // The recorded config reruns as it is: 0 is now explicit.
    expect(parseConfigText(gap, { baseDir: runs.gap }).tasks[0].bounds).toEqual({ lower: 0, upper: null });
  });

  it.each(['gap', 'dos'])('keeps every prediction of the %s run at or above 0, in tfjs and in ONNX, for inputs far from the data', async (label) => {
    const { model, header } = await loaded(runs[label]);
    // The same weights without the output transform, to show that the bound is doing work.
    const free = new MultiTaskModel({ ...header.modelSpec, tasks: header.modelSpec.tasks.map((t) => ({ ...t, bounds: undefined })) }, 0);
    try {
      restoreSession(await readCheckpointFile(join(runs[label], 'checkpoints', 'best.ckpt')), free);
      const x = wildDescriptors(header.scaling.features, 7);
      const d = header.modelSpec.encoder.inputDim;
      const task = header.modelSpec.tasks.find((t) => t.kind !== 'classification')!;
      const targets = header.scaling.tasks.find((t) => t.name === task.name)!.targets!;
      const points = task.kind === 'sequence' ? task.data.width : 0;
      const grid = Float32Array.from({ length: ROWS * points }, (_, k) => (k % points) * 20);
      const scaledX = x.map((v, k) => (v - header.scaling.features.mean[k % d]) / header.scaling.features.std[k % d]);
      const tfOf = (m: MultiTaskModel) =>
        tf.tidy(() => {
          const inputs = { x: tf.tensor(scaledX, [ROWS, d]), ...(points && { steps: { [task.name]: tf.tensor(grid, [ROWS, points]) } }) };
          return unstandardize(m.forward(createTfOps(m.store, { training: false }), inputs)[task.name].dataSync() as Float32Array, targets);
        });
      // Float rounding of y·std + mean may leave tfjs a hair below; the exported graph clips after unscaling.
      expect(Math.min(...tfOf(model))).toBeGreaterThanOrEqual(-1e-5 * targets.std[0]);
      expect(Math.min(...tfOf(free))).toBeLessThan(0);
      const io = onnxIo(model.spec);
      const t = io.tasks.find((o) => o.task === task.name)!;
      const bytes = exportModelToOnnx(model, { scaling: header.scaling, featurizer: header.featurizer!, classes: { is_metal: ['0', '1'] } });
      const out = await runOnnx(bytes, { [io.descriptors]: { data: x, dims: [ROWS, d] }, ...(t.steps && { [t.steps]: { data: grid, dims: [ROWS, points] } }) });
      expect(out[t.output].data.every((v) => v >= 0)).toBe(true);
    } finally {
      model.dispose();
      free.dispose();
    }
  });

  it('holds an upper bound, and turns the lower one off with null', async () => {
    const capped = GAP_RUN.replace('experiment_name: gap', 'experiment_name: capped').replace(
      '{ name: band_gap, type: REGRESSION, data_column: band_gap_eV, dims: [16, 8, 1] }',
      '{ name: band_gap, type: REGRESSION, data_column: band_gap_eV, dims: [16, 8, 1], lower_bound: null, upper_bound: 4 }',
    );
    const dir = await trainRun(capped, join(scratch.dir, 'capped'));
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toMatch(/lower_bound: null\n\s+upper_bound: 4/);
    const { model, header } = await loaded(dir);
    try {
      const d = header.modelSpec.encoder.inputDim;
      const x = wildDescriptors(header.scaling.features, 11);
      const io = onnxIo(model.spec);
      const out = await runOnnx(exportModelToOnnx(model, { scaling: header.scaling, featurizer: header.featurizer!, classes: { is_metal: ['0', '1'] } }), {
        [io.descriptors]: { data: x, dims: [ROWS, d] },
      });
      const gap = out[io.tasks.find((t) => t.task === 'band_gap')!.output].data;
      expect(gap.every((v) => v <= 4)).toBe(true);
    } finally {
      model.dispose();
    }
  });
});
