/** The whole training step can drive the loss of a tiny real batch to (nearly) zero: nothing in it blocks learning. */
import { beforeAll, describe, expect, it } from 'vitest';
import { fitScaling, applyScaling } from '../../../../src-main/engine/data/dataset/scaling';
import type { TrainingSet } from '../../../../src-main/engine/data/dataset/types';
import { featurizeFormulas } from '../../../../src-main/engine/data/featurize/index';
import { assembleTrainingSet } from '../../../../src-main/engine/data/dataset/assemble';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { MultiTaskModel } from '../../../../src-main/engine/model/model';
import type { Logs, TrainingCallback } from '../../../../src-main/engine/train/callbacks/index';
import { fit } from '../../../../src-main/engine/train/fit';
import { Optimizer } from '../../../../src-main/engine/train/optim/optimizer';
import { createWeighting } from '../../../../src-main/engine/train/weighting/index';
import { readCsv, numbers } from '../data/dataset/fixtures';
import { dataSet } from '../../../helpers/paths';

describe('overfitting a tiny batch', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('drives band gap and metal classification losses on 12 real compounds to near zero', async () => {
    const { header, cells } = readCsv(dataSet('matbench_expt_gap', 'expt_gap_multitask.csv'));
    const rows = Array.from({ length: 12 }, (_, i) => i * 97);
    const col = (name: string) => rows.map((r) => cells[header.indexOf(name)][r]);
    const formulas = col('formula');
    const f = featurizeFormulas(formulas, 'magpie');
    const assembled = assembleTrainingSet({
      descriptors: { names: [...f.featurizer.featureNames], values: f.values },
      formulas,
      columns: { gap: numbers(col('band_gap_eV')), metal: numbers(col('is_metal')) },
      tasks: [
        { name: 'gap', kind: 'regression', dataColumn: 'gap' },
        { name: 'metal', kind: 'classification', dataColumn: 'metal' },
      ],
      split: { seed: 1, valFraction: 0, testFraction: 0 },
    });
    const set: TrainingSet = { ...assembled, split: new Uint8Array(assembled.n) };
    const scaling = fitScaling(set);
    const model = new MultiTaskModel(
      {
        encoder: { inputDim: set.featureNames.length, hiddenDims: [64, 64], depositDim: 32, activation: 'leaky_relu', norm: true, residual: true, dropout: 0 },
        tasks: [
          { name: 'gap', kind: 'regression', head: 'regression', headOptions: { hidden_dims: [32] }, data: { width: 1 } },
          { name: 'metal', kind: 'classification', head: 'classification', headOptions: { hidden_dims: [32] }, data: { width: 2 } },
        ],
      },
      5,
    );
    const weighting = createWeighting({
      id: 'static',
      weights: new Map([
        ['gap', 1],
        ['metal', 1],
      ]),
      store: model.store,
    });
    const optimizer = new Optimizer(model.store, { groups: [{ id: 'all', storeGroups: ['encoder', 'head:gap', 'head:metal'], type: 'adam', lr: 3e-3 }] });
    const history: Logs[] = [];
    const recorder: TrainingCallback = { onEpochEnd: (_, logs) => void history.push(logs) };
    await fit({
      model,
      data: applyScaling(set, scaling),
      scaling,
      weighting,
      optimizer,
      schedulers: new Map(),
      callbacks: [recorder],
      epochs: 300,
      batchSize: 12,
      seed: 2,
    });
    const last = history.at(-1)!;
    expect(history[0].train_final_loss).toBeGreaterThan(0.5);
    expect(last.train_gap_raw_loss).toBeLessThan(1e-3);
    expect(last.train_metal_raw_loss).toBeLessThan(1e-2);
    optimizer.dispose();
    model.dispose();
  });
});
