/** Fine-tuning: init-from keeps matching heads and adds new ones, frozen encoders stay bit-identical, LoRA starts at the base model, forgetting is measured. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { MultiTaskModel } from '../../../../src-main/engine/model/model';
import { createTfOps } from '../../../../src-main/engine/model/ops/tf-ops';
import { tf } from '../../../../src-main/engine/model/tf';
import { loadInitSource, loadInitWeights, mergeSpecs } from '../../../../src-main/engine/train/init-from';
import { runTraining, type TrainingEvent } from '../../../../src-main/engine/train/run-training';
import { readCheckpointFile } from '../../../../src-main/engine/train/training-state';
import { GAP_TASK, METAL_TASK, gapConfigYaml } from '../../../helpers/configs';
import { scratchDir } from '../../../helpers/paths';

const yaml = (tasks: string, model = '') => gapConfigYaml({ seed: 3, tasks, model });
const GAP = GAP_TASK;
const METAL = METAL_TASK;
const quiet = { emit: (_: TrainingEvent) => {}, signal: new AbortController().signal };

describe('fine-tuning from a trained run', () => {
  const scratch = scratchDir();
  let sourceDir: string;

  beforeAll(async () => {
    await initBackend('wasm');
    const cfg = parseConfigText(yaml(GAP), { baseDir: scratch.dir });
    sourceDir = join(scratch.dir, 'source');
    await runTraining({ config: cfg, data: await loadRunData(cfg), runDir: sourceDir }, quiet);
  });
  afterAll(() => scratch.cleanup());

  const params = async (dir: string) => {
    const { header, blobs } = await readCheckpointFile(join(dir, 'checkpoints', 'best.ckpt'));
    let offset = 0;
    const out = new Map<string, number[]>();
    for (const p of header.params) {
      const size = p.shape.reduce((a, b) => a * b, 1);
      out.set(p.name, Array.from(blobs.params.subarray(offset, offset + size)));
      offset += size;
    }
    return out;
  };

  it('loads the encoder and matching heads, and gives new tasks fresh heads', async () => {
    const cfg = parseConfigText(yaml(`${GAP}\n${METAL}`), { baseDir: scratch.dir });
    const source = await loadInitSource(sourceDir);
    const data = await loadRunData(cfg);
    const { buildModelSpec } = await import('../../../../src-main/engine/train/model-spec');
    const merged = mergeSpecs(buildModelSpec(cfg, data.set), source.header);
    const model = new MultiTaskModel(merged.spec, 1);
    const { loaded, fresh } = loadInitWeights(model, source, merged.kept);
    expect(merged.kept).toEqual([]);
    expect(loaded.filter((n) => n.startsWith('encoder.')).length).toBe(model.store.names().filter((n) => n.startsWith('encoder.')).length);
    expect(loaded.some((n) => n.startsWith('head.band_gap.'))).toBe(true);
    expect(fresh.every((n) => n.startsWith('head.is_metal.'))).toBe(true);
    expect(fresh.length).toBeGreaterThan(0);
    model.dispose();
  });

  it('keeps a frozen encoder bit-identical, keeps untrained source heads, and reports forgetting', async () => {
    const cfg = parseConfigText(yaml(METAL, '    shared_block_optimizer: { freeze_parameters: true }'), { baseDir: scratch.dir });
    const dir = join(scratch.dir, 'frozen');
    const summary = await runTraining({ config: cfg, data: await loadRunData(cfg), runDir: dir, initFrom: await loadInitSource(sourceDir) }, quiet);
    const before = await params(sourceDir);
    const after = await params(dir);
    for (const [name, values] of before) if (name.startsWith('encoder.') || name.startsWith('head.band_gap.')) expect(after.get(name), name).toEqual(values);
    expect([...after.keys()].some((n) => n.startsWith('head.is_metal.'))).toBe(true);
    const forgetting = summary.metrics!.forgetting!;
    expect('tasks' in forgetting && forgetting.tasks.band_gap.mae.change).toBe(0);
  });

  it('LoRA adapters start exactly at the source model and train while the encoder stays frozen', async () => {
    const cfg = parseConfigText(yaml(GAP, '    lora_rank: 4\n    lora_alpha: 8'), { baseDir: scratch.dir });
    const data = await loadRunData(cfg);
    const source = await loadInitSource(sourceDir);
    const { buildModelSpec } = await import('../../../../src-main/engine/train/model-spec');
    // The bounds the run would give its task (train/bounds.ts) are the source's: the same labels, the same scaling.
    const merged = mergeSpecs(buildModelSpec(cfg, data.set), source.header).spec;
    const bounded = { ...merged, tasks: merged.tasks.map((t) => ({ ...t, bounds: source.header.modelSpec.tasks.find((s) => s.name === t.name)?.bounds })) };
    const adapted = new MultiTaskModel(bounded, 9);
    loadInitWeights(adapted, source, []);
    const base = new MultiTaskModel(source.header.modelSpec, 9);
    base.store.load({ specs: source.header.params, data: source.params });
    tf.tidy(() => {
      const x = tf.randomNormal([5, data.set.featureNames.length], 0, 1, 'float32', 1);
      const a = adapted.forward(createTfOps(adapted.store, { training: false }), { x }).band_gap.dataSync();
      const b = base.forward(createTfOps(base.store, { training: false }), { x }).band_gap.dataSync();
      expect(Array.from(a)).toEqual(Array.from(b));
    });
    adapted.dispose();
    base.dispose();

    const dir = join(scratch.dir, 'lora');
    await runTraining({ config: cfg, data, runDir: dir, initFrom: source }, quiet);
    const before = await params(sourceDir);
    const after = await params(dir);
    for (const [name, values] of before) if (name.startsWith('encoder.')) expect(after.get(name), name).toEqual(values);
    const adapters = [...after.keys()].filter((n) => n.endsWith('.lora_b'));
    expect(adapters.length).toBeGreaterThan(0);
    expect(adapters.some((n) => after.get(n)!.some((v) => v !== 0))).toBe(true);
  });

  it('keeps the old tasks of a LoRA fine-tune exactly: kept heads read the encoder without the adapters', async () => {
    const cfg = parseConfigText(yaml(METAL, '    lora_rank: 8\n    lora_alpha: 16'), { baseDir: scratch.dir });
    const dir = join(scratch.dir, 'lora-new-head');
    const summary = await runTraining({ config: cfg, data: await loadRunData(cfg), runDir: dir, initFrom: await loadInitSource(sourceDir) }, quiet);
    const forgetting = summary.metrics!.forgetting!;
    expect('tasks' in forgetting && forgetting.tasks.band_gap.mae).toMatchObject({ change: 0 });
    expect('tasks' in forgetting && forgetting.warnings?.some((w) => w.startsWith('band_gap'))).toBeFalsy();
    const { header } = await readCheckpointFile(join(dir, 'checkpoints', 'best.ckpt'));
    expect(header.modelSpec.baseEncoderTasks).toEqual(['band_gap']);
    // The adapters did train (the new head reads them), yet the kept head's outputs are the source's.
    const after = await params(dir);
    expect([...after.keys()].filter((n) => n.endsWith('.lora_b')).some((n) => after.get(n)!.some((v) => v !== 0))).toBe(true);
  });

  it('warns when a full fine-tune moves an old task, and flags a new task no better than its mean', async () => {
    const { forgettingReport } = await import('../../../../src-main/engine/train/forgetting');
    const report = forgettingReport(
      { gap: { mae: 0.5, r2: 0.8 } as never },
      { gap: { mae: 0.6, r2: 0.79 } as never },
      {
        encoderTrained: true,
        trained: { dos: { test: { mae: 0.3 } as never, baseline_test: { mae: 0.25 } as never } },
        newTasks: ['dos'],
      },
    );
    expect('warnings' in report && report.warnings).toEqual([
      'Every weight of the encoder was trained, so the old tasks may move; freeze the encoder or use LoRA adapters to keep them.',
      'gap: MAE moved +20.0 % (0.5 → 0.6).',
      'dos (new): test MAE 0.3 is no better than predicting the training mean (0.25).',
    ]);
  });

  it('names the layer when shapes do not match', async () => {
    const cfg = parseConfigText(yaml(GAP.replace('dims: [16, 8, 1]', 'dims: [16, 4, 1]')), { baseDir: scratch.dir });
    await expect(
      runTraining({ config: cfg, data: await loadRunData(cfg), runDir: join(scratch.dir, 'mismatch'), initFrom: await loadInitSource(sourceDir) }, quiet),
    ).rejects.toThrow(/head\.band_gap\.0\.kernel.*shape/);
  });
});
