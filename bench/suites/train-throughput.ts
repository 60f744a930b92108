/**
 * `npm run bench -- train-throughput`: training samples/s of the reference model (d_in 145,
 * encoder 256-256 with LayerNorm + LeakyReLU, deposit 256, 3 regression + 1 classification +
 * 1 vec-256 head, uncertainty weighting, Adam, batch 256) through Crucible's own training loop,
 * beside PyTorch training the same model (bench/peer/torch_mtl.py) in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SPLIT_TRAIN, SPLIT_VAL, type TaskData, type TrainingSet } from '../../src-main/engine/data/dataset/types';
import { fitScaling } from '../../src-main/engine/data/dataset/scaling';
import { initBackend } from '../../src-main/engine/model/backend';
import { MultiTaskModel, type ModelSpec } from '../../src-main/engine/model/model';
import type { TrainingCallback } from '../../src-main/engine/train/callbacks/index';
import { fit } from '../../src-main/engine/train/fit';
import { Optimizer } from '../../src-main/engine/train/optim/optimizer';
import { createWeighting } from '../../src-main/engine/train/weighting/index';
import { packageRoot } from '../../src-main/engine/paths';
import { Rng } from '../../src-main/engine/util/random';

const N = 20_000;
const D = 145;
const SEQ = 256;
const BATCH = 256;
const EPOCHS = 4;

/** Synthetic data of the peer's shape: 30% of labels missing per task. */
function syntheticSet(): TrainingSet {
  const rng = new Rng(0);
  const features = Float32Array.from({ length: N * D }, () => rng.normal());
  const task = (name: string, kind: TaskData['kind'], width: number, value: () => number): TaskData => {
    const targets = new Float32Array(N * width);
    const mask = new Uint8Array(N * width);
    const valid = new Uint8Array(N);
    for (let r = 0; r < N; r++) {
      if (rng.float() < 0.3) continue;
      valid[r] = 1;
      for (let k = 0; k < width; k++) {
        targets[r * width + k] = value();
        mask[r * width + k] = 1;
      }
    }
    return { name, kind, column: name, width, targets, mask, valid, ...(kind === 'classification' ? { classes: ['0', '1'] } : {}) };
  };
  const tasks = [
    task('reg_0', 'regression', 1, () => rng.normal()),
    task('reg_1', 'regression', 1, () => rng.normal()),
    task('reg_2', 'regression', 1, () => rng.normal()),
    task('cls', 'classification', 1, () => rng.int(2)),
    task('curve', 'sequence', SEQ, () => rng.normal()),
  ];
  tasks[4].steps = Float32Array.from({ length: N * SEQ }, (_, i) => i % SEQ);
  const split = new Uint8Array(N).fill(SPLIT_TRAIN);
  split.fill(SPLIT_VAL, N - 512);
  const ids = Array.from({ length: N }, (_, i) => String(i));
  return {
    n: N,
    featureNames: Array.from({ length: D }, (_, i) => `f${i}`),
    features,
    ids,
    formulas: ids,
    groups: ids,
    rowNumbers: Uint32Array.from({ length: N }, (_, i) => i + 2),
    tasks,
    split,
    report: { inputRows: N, droppedRows: [], missingFeatureValues: 0, featuresWithMissing: [], unlabeledRows: 0, taskRows: [], warnings: [] },
  };
}

const head = (name: string, kind: 'regression' | 'classification', width: number) => ({
  name,
  kind,
  head: kind,
  headOptions: { hidden_dims: [64], norm: false },
  data: { width },
});

export const referenceSpec: ModelSpec = {
  encoder: { inputDim: D, hiddenDims: [256, 256], depositDim: 256, activation: 'leaky_relu', norm: true, residual: true, dropout: 0 },
  tasks: [
    head('reg_0', 'regression', 1),
    head('reg_1', 'regression', 1),
    head('reg_2', 'regression', 1),
    head('cls', 'classification', 2),
    {
      name: 'curve',
      kind: 'sequence',
      head: 'vec',
      headOptions: { hidden_dims: [256], norm: false },
      data: { width: SEQ, steps: { min: 0, max: SEQ - 1, quantiles: [0, SEQ - 1] } },
    },
  ],
};

async function crucibleSamplesPerSecond(): Promise<{ samplesPerS: number; backend: string }> {
  const backend = await initBackend('auto');
  const set = syntheticSet();
  const model = new MultiTaskModel(referenceSpec, 1);
  const weighting = createWeighting({ id: 'uncertainty', weights: new Map(referenceSpec.tasks.map((t) => [t.name, 1])), store: model.store });
  const groups = [
    { id: 'encoder', storeGroups: ['encoder', 'weighting'], type: 'adam', lr: 1e-3 },
    ...referenceSpec.tasks.map((t) => ({ id: `head:${t.name}`, storeGroups: [`head:${t.name}`], type: 'adam', lr: 1e-3 })),
  ];
  const optimizer = new Optimizer(model.store, { groups });
  const rates: number[] = [];
  const timer: TrainingCallback = { onEpochEnd: (epoch, logs) => void (epoch > 0 && rates.push(logs.samples_per_s)) };
  await fit({
    model,
    data: set,
    scaling: fitScaling(set),
    weighting,
    optimizer,
    schedulers: new Map(),
    callbacks: [timer],
    epochs: EPOCHS,
    batchSize: BATCH,
    seed: 1,
  });
  optimizer.dispose();
  model.dispose();
  return { samplesPerS: rates.reduce((a, b) => a + b, 0) / rates.length, backend: backend.name };
}

function torchSamplesPerSecond(): number | null {
  const script = join(packageRoot(), 'bench', 'peer', 'torch_mtl.py');
  if (!existsSync('/usr/bin/python3') || !existsSync(script)) return null;
  const r = spawnSync('/usr/bin/python3', [script, '--d-in', String(D), '--seq', 'vec'], { encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout?.trim().split('\n').at(-1);
  if (r.status !== 0 || !line) {
    console.log(`torch peer unavailable (${(r.stderr ?? '').trim().split('\n').at(-1) ?? 'no output'})`);
    return null;
  }
  return (JSON.parse(line) as { train_samples_per_s: number }).train_samples_per_s;
}

export async function benchTrainThroughput(): Promise<Record<string, unknown>> {
  const crucible = await crucibleSamplesPerSecond();
  console.log(`crucible (${crucible.backend}, 1 thread): ${Math.round(crucible.samplesPerS)} samples/s (epochs 2–${EPOCHS}, batch ${BATCH})`);
  const torch = torchSamplesPerSecond();
  if (torch !== null) console.log(`pytorch (2 threads): ${Math.round(torch)} samples/s`);
  const ratio = torch === null ? null : Number((crucible.samplesPerS / torch).toFixed(3));
  if (ratio !== null) console.log(`ratio crucible/pytorch: ${ratio} (goal ≥ 0.5)`);
  return {
    crucible_samples_per_s: Math.round(crucible.samplesPerS),
    torch_samples_per_s: torch === null ? null : Math.round(torch),
    ratio,
    backend: crucible.backend,
  };
}
