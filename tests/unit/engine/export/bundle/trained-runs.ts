/**
 * Real training runs for bundle and prediction tests (a few epochs of small models on the shared data),
 * and the reference: the run's checkpoint restored in TensorFlow.js and applied to raw rows the training way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../../../../src-main/engine/config/index';
import { standardize, unstandardize } from '../../../../../src-main/engine/data/dataset/scaling';
import { featurizeFormulas } from '../../../../../src-main/engine/data/featurize/index';
import { loadRunData } from '../../../../../src-main/engine/data/load-run-data';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { MultiTaskModel } from '../../../../../src-main/engine/model/model';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { tf } from '../../../../../src-main/engine/model/tf';
import { trainJob } from '../../../../../src-main/engine/studies/train-job';
import { readCheckpointFile, restoreSession } from '../../../../../src-main/engine/train/training-state';
import { dataSet } from '../../../../helpers/paths';

const common = (epochs: number) => `
trainer:
  max_epochs: ${epochs}
`;

/** Band gap (regression, eV) and metal / non-metal (classification) from formulas. */
export const GAP_RUN = `
seed_everything: 3
experiment_name: gap
model:
  init_args:
    shared_block_dims: [auto, 32, 16]
    task_configs:
      - { name: band_gap, type: REGRESSION, data_column: band_gap_eV, dims: [16, 8, 1] }
      - { name: is_metal, type: CLASSIFICATION, data_column: is_metal, dims: [16, 8], num_classes: 2 }
data:
  init_args:
    attributes_source: ${dataSet('matbench_expt_gap', 'expt_gap_multitask.csv')}
    formula_column: formula
    featurizer: magpie
    batch_size: 256
${common(3)}`;

/** Phonon DOS: 51-point curves on one shared frequency grid, a fixed-length `vec` head. */
export const DOS_RUN = `
seed_everything: 5
experiment_name: dos
model:
  init_args:
    shared_block_dims: [auto, 32, 16]
    task_configs:
      - { name: phonon_dos, type: SEQUENCE, subtype: vec, data_column: dos, steps_column: frequency_grid, hidden_dims: [16] }
data:
  init_args:
    attributes_source: ${dataSet('mp_phonon_dos', 'mp_phonon_dos.csv')}
    formula_column: formula
    featurizer: magpie
    id_column: row_id
    batch_size: 128
${common(2)}`;

/** The DOS model with a structure branch (sites, volume and element count per row) fused into the formula branch. */
export const DOS_STRUCTURE_RUN = DOS_RUN.replace('experiment_name: dos', 'experiment_name: dos_structure')
  .replace('shared_block_dims: [auto, 32, 16]', 'shared_block_dims: [auto, 32, 16]\n    with_structure: true\n    struct_block_dims: [auto, 16]')
  .replace('    formula_column: formula', `    structure_desc_source: ${dataSet('mp_phonon_dos', 'mp_phonon_dos.csv')}\n    formula_column: formula`);

/** Seebeck curves on each material's own temperatures (grids differ between rows), an `rnn` head. */
export const SEEBECK_RUN = `
seed_everything: 9
experiment_name: seebeck
model:
  init_args:
    shared_block_dims: [auto, 32, 16]
    task_configs:
      - { name: seebeck, type: SEQUENCE, subtype: rnn, data_column: seebeck_uV_K, steps_column: temperature_K, hidden: 8 }
data:
  init_args:
    attributes_source: ${dataSet('estm_thermoelectric', 'estm_curves.csv')}
    formula_column: formula
    featurizer: magpie
    id_column: curve_id
    batch_size: 128
${common(2)}`;

/** Trains `yaml` (one model, or an ensemble when it says so) into `runDir` (wasm backend) and returns the folder. */
export async function trainRun(yaml: string, runDir: string): Promise<string> {
  await initBackend('wasm');
  const config = parseConfigText(yaml, { baseDir: runDir });
  await trainJob({ config, data: await loadRunData(config), runDir }, { emit: () => {}, signal: new AbortController().signal });
  return runDir;
}

/**
 * The run's best-checkpoint model in TensorFlow.js on `formulas` (and each row's x values for sequence
 * tasks): featurized, standardized (NaN → 0), forward in inference mode, unstandardized or softmaxed.
 */
export async function tfPredict(runDir: string, formulas: string[], steps: Record<string, number[][]> = {}): Promise<Record<string, Float32Array[]>> {
  const contents = await readCheckpointFile(join(runDir, 'checkpoints', 'best.ckpt'));
  const { modelSpec, scaling, featurizer } = contents.header;
  const model = new MultiTaskModel(modelSpec, 0);
  try {
    restoreSession(contents, model);
    const x = standardize(featurizeFormulas(formulas, featurizer!.id).values, scaling.features);
    const n = formulas.length;
    const out: Record<string, Float32Array[]> = {};
    for (let r = 0; r < n; r++) {
      tf.tidy(() => {
        const d = modelSpec.encoder.inputDim;
        const stepsTensors = Object.fromEntries(Object.entries(steps).map(([task, rows]) => [task, tf.tensor([rows[r]])]));
        const y = model.forward(createTfOps(model.store, { training: false }), { x: tf.tensor(x.subarray(r * d, (r + 1) * d), [1, d]), steps: stepsTensors });
        for (const task of modelSpec.tasks) {
          const raw = y[task.name];
          const targets = scaling.tasks.find((t) => t.name === task.name)!.targets;
          const values =
            task.kind === 'classification' ? (tf.softmax(raw).dataSync() as Float32Array) : unstandardize(raw.dataSync() as Float32Array, targets!);
          (out[task.name] ??= []).push(Float32Array.from(values));
        }
      });
    }
    return out;
  } finally {
    model.dispose();
  }
}

/** predictions/test.csv of a run as rows of strings keyed by header. */
export function testPredictions(runDir: string): Record<string, string>[] {
  return csvRows(join(runDir, 'predictions', 'test.csv'));
}

/** A CSV file Crucible wrote (no line breaks inside cells) as rows of strings keyed by header. */
export function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replaceAll('""', '"'));
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}
