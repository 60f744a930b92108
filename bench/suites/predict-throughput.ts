/**
 * `npm run bench -- predict-throughput [--peer]`: onnxruntime samples/s of the reference model (d_in 145,
 * encoder 256-256, deposit 256, 3 regression + 1 classification + vec-256 heads) at batch 1024 and its
 * batch-1 latency, then end-to-end `crucible predict` rows/s on 200k formulas (file in, featurized,
 * predicted, CSV out) with the reference network on Magpie descriptors, and the ratio of the two.
 * `--peer` adds PyTorch's inference figures for the same reference model (bench/peer/torch_mtl.py).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ScalingParams } from '../../src-main/engine/data/dataset/scaling';
import { getFeaturizer } from '../../src-main/engine/data/featurize/index';
import { exportBundle } from '../../src-main/engine/export/bundle/index';
import { exportModelToOnnx } from '../../src-main/engine/export/onnx/export-model';
import { onnxIo } from '../../src-main/engine/export/onnx/io-names';
import { createModelSession, DEFAULT_BATCH_SIZE, predictBatch, type ModelSession } from '../../src-main/engine/infer/index';
import { initBackend } from '../../src-main/engine/model/backend';
import { MultiTaskModel, type ModelSpec } from '../../src-main/engine/model/model';
import { packageRoot } from '../../src-main/engine/paths';
import { saveCheckpoint } from '../../src-main/engine/train/training-state';
import { Rng } from '../../src-main/engine/util/random';
import { dataFormulas } from '../../tests/unit/engine/data/formula/data-formulas';
import { referenceSpec } from './train-throughput';

const ROWS = 200_000;
const CURVE_ROWS = 20_000;
/** Alternating rounds of raw and end-to-end measurements; each figure is the median over rounds. */
const ROUNDS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Scaling that leaves values as they are: the benchmark times arithmetic, not accuracy. */
function identityScaling(spec: ModelSpec, names: readonly string[]): ScalingParams {
  const d = spec.encoder.inputDim;
  return {
    features: { names: [...names], mean: new Array(d).fill(0), std: new Array(d).fill(1), constant: [] },
    tasks: spec.tasks.map((t) => ({ name: t.name, kind: t.kind, ...(t.kind === 'classification' ? {} : { targets: { mean: [0], std: [1] } }) })),
    warnings: [],
  };
}

/** An onnxruntime session on a randomly initialised network, with random inputs ready at two batch sizes. */
class OrtTimer {
  private constructor(
    private readonly session: ModelSession,
    private readonly feeds: (rows: number) => Record<string, ort.Tensor>,
  ) {}

  static async create(spec: ModelSpec, names: readonly string[]): Promise<OrtTimer> {
    const model = new MultiTaskModel(spec, 1);
    const onnx = exportModelToOnnx(model, { scaling: identityScaling(spec, names), featurizer: { id: 'none', tableSha256: '' }, classes: { cls: ['0', '1'] } });
    model.dispose();
    const rng = new Rng(1);
    const io = onnxIo(spec);
    const d = spec.encoder.inputDim;
    const feeds = (rows: number) => {
      const f: Record<string, ort.Tensor> = {
        [io.descriptors]: new ort.Tensor(
          'float32',
          Float32Array.from({ length: rows * d }, () => rng.normal()),
          [rows, d],
        ),
      };
      for (const t of io.tasks) {
        if (!t.steps) continue;
        const width = spec.tasks.find((x) => x.name === t.task)!.data.width;
        f[t.steps] = new ort.Tensor(
          'float32',
          Float32Array.from({ length: rows * width }, (_, i) => i % width),
          [rows, width],
        );
      }
      return f;
    };
    return new OrtTimer(await createModelSession(onnx), feeds);
  }

  get provider(): string {
    return this.session.provider;
  }

  get threads(): number {
    return this.session.threads;
  }

  /** Samples/s at `batch` over about `ms` milliseconds (after a warm-up). */
  async throughput(batch: number, ms: number): Promise<number> {
    const feeds = this.feeds(batch);
    for (let i = 0; i < 5; i++) await this.session.session.run(feeds);
    let runs = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      await this.session.session.run(feeds);
      runs++;
    }
    return (runs * batch * 1000) / (performance.now() - start);
  }

  /** Median batch-1 latency in ms over `runs` calls. */
  async latency(runs: number): Promise<number> {
    const feeds = this.feeds(1);
    for (let i = 0; i < 100; i++) await this.session.session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await this.session.session.run(feeds);
      times.push(performance.now() - start);
    }
    return median(times);
  }

  release(): Promise<void> {
    return this.session.session.release();
  }
}

/**
 * A run folder holding the reference network on Magpie descriptors (random weights, identity scaling),
 * exported to a bundle the way `crucible export` does it.
 */
async function referenceBundle(dir: string, spec: ModelSpec, data: string): Promise<string> {
  const magpie = getFeaturizer('magpie');
  const run = join(dir, `run-${spec.tasks.length}`);
  await mkdir(join(run, 'checkpoints'), { recursive: true });
  const model = new MultiTaskModel(spec, 1);
  await saveCheckpoint(
    join(run, 'checkpoints', 'best.ckpt'),
    {
      modelSpec: spec,
      scaling: identityScaling(spec, magpie.featureNames),
      featureNames: [...magpie.featureNames],
      classes: { cls: ['0', '1'] },
      featurizer: { id: magpie.id, tableSha256: magpie.tableSha256 },
      epoch: 0,
    },
    model,
  );
  model.dispose();
  const tasks = spec.tasks.map(
    (t) => `      - { name: ${t.name}, type: ${t.kind.toUpperCase()}, data_column: ${t.name}${t.kind === 'sequence' ? ', subtype: vec' : ''} }`,
  );
  writeFileSync(
    join(run, 'config.yaml'),
    `experiment_name: reference\nmodel:\n  init_args:\n    shared_block_dims: [auto, 256, 256]\n    task_configs:\n${tasks.join('\n')}\ndata:\n  init_args:\n    attributes_source: ${data}\n    formula_column: formula\n    featurizer: magpie\n`,
  );
  return (await exportBundle(run, join(dir, `reference-${spec.tasks.length}.crucible`))).file;
}

/** `rows` formulas: every real one from the shared data, then copies with all amounts scaled (Fe2O3 → Fe4O6, …). */
async function formulasCsv(file: string, rows: number): Promise<void> {
  const real = await dataFormulas();
  const lines = ['id,formula'];
  for (let i = 0; i < rows; i++) {
    const k = Math.floor(i / real.length);
    const f =
      k === 0
        ? real[i % real.length]
        : real[i % real.length].replace(
            /([A-Z][a-z]?)(\d*\.?\d*)/g,
            (_, el: string, n: string) => `${el}${Number(((n === '' ? 1 : Number(n)) * (k + 1)).toPrecision(8))}`,
          );
    lines.push(`m${i},${f}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function endToEnd(bundle: string, input: string, output: string): Promise<{ rowsPerS: number; failed: number }> {
  const summary = await predictBatch({ model: bundle, input, output }, { emit: () => {}, signal: new AbortController().signal });
  return { rowsPerS: summary.rowsPerSecond, failed: summary.rowsWithoutPredictions };
}

function torchInference(): Record<string, number> | null {
  const script = join(packageRoot(), 'bench', 'peer', 'torch_mtl.py');
  if (!existsSync('/usr/bin/python3') || !existsSync(script)) return null;
  const r = spawnSync('/usr/bin/python3', [script, '--d-in', String(referenceSpec.encoder.inputDim), '--seq', 'vec', '--epochs', '1'], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const line = r.stdout?.trim().split('\n').at(-1);
  if (r.status !== 0 || !line) return null;
  const info = JSON.parse(line) as { infer_b1024_samples_per_s: number; infer_b1_latency_ms_median: number };
  return { torch_infer_b1024_samples_per_s: Math.round(info.infer_b1024_samples_per_s), torch_latency_ms_b1: info.infer_b1_latency_ms_median };
}

export async function benchPredictThroughput(args: string[]): Promise<Record<string, unknown>> {
  await initBackend('auto');
  const magpie = getFeaturizer('magpie');
  // The reference network on Magpie descriptors; the curve head is measured apart, since writing 256 values per row dominates.
  const onMagpie: ModelSpec = { ...referenceSpec, encoder: { ...referenceSpec.encoder, inputDim: magpie.featureNames.length } };
  const scalarSpec: ModelSpec = { ...onMagpie, tasks: onMagpie.tasks.filter((t) => t.kind !== 'sequence') };
  const reference = await OrtTimer.create(
    referenceSpec,
    Array.from({ length: referenceSpec.encoder.inputDim }, (_, i) => `f${i}`),
  );
  const predictModel = await OrtTimer.create(scalarSpec, magpie.featureNames);
  const dir = mkdtempSync(join(tmpdir(), 'crucible-bench-predict-'));
  try {
    const input = join(dir, 'formulas.csv');
    await formulasCsv(input, ROWS);
    const bundle = await referenceBundle(dir, scalarSpec, input);
    // Raw and end-to-end figures taken in alternation, so that both see the same load on a shared machine.
    const rounds = { raw: [] as number[], predictRaw: [] as number[], e2e: [] as number[] };
    let failed = 0;
    for (let r = 0; r < ROUNDS; r++) {
      rounds.raw.push(await reference.throughput(1024, 1500));
      rounds.predictRaw.push(await predictModel.throughput(DEFAULT_BATCH_SIZE, 1500));
      const e2e = await endToEnd(bundle, input, join(dir, 'predictions.csv'));
      rounds.e2e.push(e2e.rowsPerS);
      failed = e2e.failed;
    }
    const raw = median(rounds.raw);
    const latency = await reference.latency(2000);
    const e2e = median(rounds.e2e);
    const predictRaw = median(rounds.predictRaw);
    const ratio = e2e / raw;
    console.log(
      `onnxruntime (${reference.provider}, ${reference.threads} threads), reference model: ${Math.round(raw)} samples/s at batch 1024 (goal ≥ 150k), batch-1 latency ${latency.toFixed(3)} ms`,
    );
    console.log(
      `onnxruntime, the reference network on ${magpie.featureNames.length} Magpie descriptors without the curve head: ${Math.round(predictRaw)} samples/s at batch ${DEFAULT_BATCH_SIZE}`,
    );
    console.log(`crucible predict, ${ROWS} formulas → CSV with that network: ${Math.round(e2e)} rows/s (${failed} rows not featurized)`);
    console.log(`ratio to raw onnxruntime on the reference model: ${ratio.toFixed(3)} (goal ≥ 0.5); on the same network: ${(e2e / predictRaw).toFixed(3)}`);

    const curveInput = join(dir, 'formulas-curves.csv');
    await formulasCsv(curveInput, CURVE_ROWS);
    const curves = await endToEnd(await referenceBundle(dir, onMagpie, curveInput), curveInput, join(dir, 'predictions.parquet'));
    console.log(`crucible predict with the 256-point curve head, ${CURVE_ROWS} formulas → Parquet: ${Math.round(curves.rowsPerS)} rows/s`);

    const peer = args.includes('--peer') ? torchInference() : null;
    if (peer) console.log(`pytorch inference: ${peer.torch_infer_b1024_samples_per_s} samples/s at batch 1024, batch-1 latency ${peer.torch_latency_ms_b1} ms`);
    return {
      ort_samples_per_s: Math.round(raw),
      ort_latency_ms_b1: Number(latency.toFixed(4)),
      end_to_end_rows_per_s: Math.round(e2e),
      ratio: Number(ratio.toFixed(3)),
      provider: reference.provider,
      threads: reference.threads,
      ort_predict_model_samples_per_s: Math.round(predictRaw),
      ratio_same_model: Number((e2e / predictRaw).toFixed(3)),
      end_to_end_curve_rows_per_s: Math.round(curves.rowsPerS),
      ...(peer ?? {}),
    };
  } finally {
    await reference.release();
    await predictModel.release();
    rmSync(dir, { recursive: true, force: true });
  }
}
