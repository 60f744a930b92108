/** Whole training runs through the engine: seeded repeatability, resume, leaks, the seed's demo config, run folders. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../../src-main/engine/config/index';
import type { ResolvedRunConfig } from '../../../../src-main/engine/config/types';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { tf } from '../../../../src-main/engine/model/tf';
import { runTraining, type LoadedData, type TrainingEvent } from '../../../../src-main/engine/train/run-training';
import { readCheckpointFile } from '../../../../src-main/engine/train/training-state';
import { gapConfigYaml } from '../../../helpers/configs';
import { repoRoot, scratchDir } from '../../../helpers/paths';

const GAP_YAML = (extra = '') => gapConfigYaml({ seed: 7, epochs: 4, model: '    dropout: 0.1', extra });

const quiet = { emit: (_: TrainingEvent) => {}, signal: new AbortController().signal };

describe('training runs', () => {
  const scratch = scratchDir();
  let cfg: ResolvedRunConfig;
  let data: LoadedData;

  beforeAll(async () => {
    await initBackend('wasm');
    cfg = parseConfigText(GAP_YAML(), { baseDir: scratch.dir });
    data = await loadRunData(cfg);
  });
  afterAll(() => scratch.cleanup());

  it('writes a complete run folder with per-epoch metrics and a test table', async () => {
    const dir = join(scratch.dir, 'complete');
    const summary = await runTraining({ config: cfg, data, runDir: dir }, quiet);
    for (const f of [
      'config.yaml',
      'provenance.json',
      'metrics.csv',
      'metrics.json',
      'events.jsonl',
      'predictions/test.csv',
      'checkpoints/best.ckpt',
      'checkpoints/last.ckpt',
      'domain.json',
      'domain.bin',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^epoch,train_final_loss,train_band_gap_raw_loss,/);
    expect(csv[0]).toContain('band_gap_sigma');
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.tasks.band_gap.type).toBe('regression');
    expect(metrics.tasks.band_gap.test.mae).toBeGreaterThan(0);
    expect(metrics.tasks.is_metal.test.accuracy).toBeGreaterThan(0.6);
    expect(summary.metrics?.tasks.is_metal.val.roc_auc).toBeGreaterThan(0.7);
    const predictions = readFileSync(join(dir, 'predictions/test.csv'), 'utf8').split('\n');
    expect(predictions[0]).toBe(
      'id,formula,formula_canonical,band_gap,band_gap_true,band_gap_in_domain,is_metal,is_metal_true,is_metal_p_0,is_metal_p_1,is_metal_in_domain,domain_note',
    );
    const cells = predictions[1].split(',');
    const probabilities = ['is_metal_p_0', 'is_metal_p_1'].map((c) => Number(cells[predictions[0].split(',').indexOf(c)]));
    expect(probabilities[0] + probabilities[1]).toBeCloseTo(1, 5);
    const provenance = JSON.parse(readFileSync(join(dir, 'provenance.json'), 'utf8'));
    expect(provenance.seed).toBe(7);
    expect(provenance.backend.name).toBe('wasm');
    expect(provenance.data[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(provenance.featurizer.id).toBe('magpie');
  });

  it('repeats exactly with the same seed, and differs with another', async () => {
    const a = await runTraining({ config: cfg, data, runDir: join(scratch.dir, 'seed-a') }, quiet);
    const b = await runTraining({ config: cfg, data, runDir: join(scratch.dir, 'seed-b') }, quiet);
    const other = parseConfigText(GAP_YAML(), { baseDir: scratch.dir, overrides: { seed: 8 } });
    const c = await runTraining({ config: other, data: await loadRunData(other), runDir: join(scratch.dir, 'seed-c') }, quiet);
    const csv = (dir: string) =>
      readFileSync(join(dir, 'metrics.csv'), 'utf8')
        .split('\n')
        .map((l) => l.split(',').slice(0, -2).join(','));
    expect(csv(a.runDir)).toEqual(csv(b.runDir));
    expect(csv(a.runDir)).not.toEqual(csv(c.runDir));
  });

  it('resumes an interrupted run to exactly the uninterrupted result', async () => {
    const full = await runTraining({ config: cfg, data, runDir: join(scratch.dir, 'full') }, quiet);
    const dir = join(scratch.dir, 'interrupted');
    const controller = new AbortController();
    const first = await runTraining(
      { config: cfg, data, runDir: dir },
      { emit: (e) => e.type === 'progress' && e.progress.type === 'epoch' && e.progress.epoch === 1 && controller.abort(), signal: controller.signal },
    );
    expect(first.cancelled).toBe(true);
    expect(first.epochsRun).toBe(2);
    const resumed = await runTraining({ config: cfg, data, runDir: dir, resume: true }, quiet);
    expect(resumed.epochsRun).toBe(4);
    const weights = async (d: string) => (await readCheckpointFile(join(d, 'checkpoints', 'last.ckpt'))).blobs.params;
    expect(Array.from(await weights(dir))).toEqual(Array.from(await weights(full.runDir)));
    expect(resumed.metrics?.tasks).toEqual(full.metrics?.tasks);
  });

  it('leaks no tensors across epochs', async () => {
    const counts: number[] = [];
    await runTraining(
      { config: cfg, data, runDir: join(scratch.dir, 'leaks') },
      { emit: (e) => e.type === 'progress' && e.progress.type === 'epoch' && counts.push(tf.memory().numTensors), signal: new AbortController().signal },
    );
    expect(counts).toHaveLength(4);
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it.each(['static', 'uncertainty', 'task_sampling'])('trains with %s weighting', async (strategy) => {
    const c = parseConfigText(GAP_YAML(`weighting: { strategy: ${strategy} }`), { baseDir: scratch.dir });
    const s = await runTraining({ config: c, data, runDir: join(scratch.dir, `w-${strategy}`) }, quiet);
    const history = readFileSync(join(s.runDir, 'metrics.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[1]));
    expect(history.at(-1)!).toBeLessThan(history[0]);
    expect(s.metrics?.tasks.band_gap.test.r2).toBeGreaterThan(0);
  });

  it('learns phonon DOS curves better than the mean training curve, on a formula-grouped split', async () => {
    const dos = await loadConfig(join(repoRoot, 'examples', 'phonon_dos.yaml'), { overrides: { maxEpochs: 15 } });
    const dosData = await loadRunData(dos);
    const { groups, split } = dosData.set;
    const trainGroups = new Set(groups.filter((_, r) => split[r] === 0));
    expect(groups.filter((g, r) => split[r] === 2 && trainGroups.has(g))).toEqual([]);
    const s = await runTraining({ config: dos, data: dosData, runDir: join(scratch.dir, 'dos') }, quiet);
    const m = s.metrics!.tasks.phonon_dos;
    expect(m.test.mae!).toBeLessThan(0.75 * m.baseline_test!.mae!);
    expect(m.test.cosine!).toBeGreaterThan(m.baseline_test!.cosine!);
  });

  it("runs the seed project's README demo config unchanged apart from paths (regression + rnn sequence)", async () => {
    const demo = await loadConfig(join(repoRoot, 'examples', 'demo_scaling_law.yaml'), { overrides: { maxEpochs: 3 } });
    const s = await runTraining({ config: demo, data: await loadRunData(demo), runDir: join(scratch.dir, 'demo') }, quiet);
    expect(Object.keys(s.metrics!.tasks)).toEqual(['task_A', 'task_B']);
    expect(s.metrics!.tasks.task_B.type).toBe('sequence');
    expect(s.metrics!.tasks.task_B.test.cosine).toBeGreaterThan(0.5);
  });
});
