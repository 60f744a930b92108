import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAffinity, TaskAffinity } from '../../../../src-main/engine/analysis/affinity';
import { readDataMap } from '../../../../src-main/engine/analysis/data-map';
import { parseConfigText } from '../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { ParamStore } from '../../../../src-main/engine/model/params';
import { tf, type Scalar } from '../../../../src-main/engine/model/tf';
import type { ProbeStep } from '../../../../src-main/engine/train/fit';
import { runTraining, type TrainingEvent } from '../../../../src-main/engine/train/run-training';
import { Rng } from '../../../../src-main/engine/util/random';
import { gapConfigYaml } from '../../../helpers/configs';
import { scratchDir } from '../../../helpers/paths';

beforeAll(async () => {
  await initBackend('wasm');
});

/** One shared scalar w = 0; task a has loss (w − 1)², task b (w + 1)². */
function probeStep(store: ParamStore, step = 0): ProbeStep {
  const target: Record<string, number> = { a: 1, b: -1 };
  return {
    epoch: 0,
    step,
    tasks: ['a', 'b'],
    shared: ['encoder.w'],
    sharedLr: 0.1,
    store,
    losses: (tasks) => new Map(tasks.map((t) => [t, tf.square(tf.sub(store.get('encoder.w'), target[t])).sum() as Scalar])),
  };
}

describe('task affinity', () => {
  it('matches the hand-computed lookahead and cosine, and leaves the parameters untouched', () => {
    const store = new ParamStore(new Rng(1));
    store.create('encoder.w', [1], 'zeros', 'encoder');
    const affinity = new TaskAffinity(['a', 'b'], { every: 2 });
    affinity.beforeStep(probeStep(store));
    affinity.beforeStep(probeStep(store, 1)); // not a measuring step
    // ∇L_a = −2, ∇L_b = 2; a step on a moves w to 0.2: L_a 1 → 0.64, L_b 1 → 1.44.
    const report = affinity.report();
    expect(report.lookahead).toEqual([
      [expect.closeTo(0.36, 6), expect.closeTo(-0.44, 6)],
      [expect.closeTo(-0.44, 6), expect.closeTo(0.36, 6)],
    ]);
    expect(report.cosine).toEqual([
      [expect.closeTo(1, 6), expect.closeTo(-1, 6)],
      [expect.closeTo(-1, 6), expect.closeTo(1, 6)],
    ]);
    expect(report.steps).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(report.lr).toBe('shared');
    expect(store.values('encoder.w')[0]).toBe(0);
    // Sums survive a resume through the callback state.
    const resumed = new TaskAffinity(['a', 'b'], { every: 2, lr: 0.1 });
    resumed.loadState(affinity.state());
    resumed.beforeStep(probeStep(store, 2));
    expect(resumed.report().steps).toEqual([
      [2, 2],
      [2, 2],
    ]);
    expect(resumed.report().lookahead[0][1]).toBeCloseTo(-0.44, 6);
  });

  describe('during a run on matbench expt_gap', () => {
    const scratch = scratchDir();
    afterAll(() => scratch.cleanup());
    const quiet = { emit: (_: TrainingEvent) => {}, signal: new AbortController().signal };
    const yaml = (strategy: string) => gapConfigYaml({ seed: 5, model: '    dropout: 0.1', extra: `weighting: { strategy: ${strategy} }` });

    it('writes affinity.json and data maps without changing the training itself', async () => {
      const cfg = parseConfigText(yaml('static'), { baseDir: scratch.dir });
      const data = await loadRunData(cfg);
      const plain = await runTraining({ config: cfg, data, runDir: join(scratch.dir, 'plain') }, quiet);
      const measured = await runTraining(
        { config: cfg, data, runDir: join(scratch.dir, 'measured'), analysis: { affinity: { every: 3 }, dataMaps: true } },
        quiet,
      );
      const table = (dir: string) =>
        readFileSync(join(dir, 'metrics.csv'), 'utf8')
          .split('\n')
          .map((l) => l.split(',').slice(0, -2).join(','));
      expect(table(measured.runDir)).toEqual(table(plain.runDir));
      expect(existsSync(join(plain.runDir, 'affinity.json'))).toBe(false);

      const affinity = await readAffinity(measured.runDir);
      expect(affinity.tasks).toEqual(['band_gap', 'is_metal']);
      expect(affinity.steps[0][1]).toBeGreaterThan(3);
      expect(affinity.cosine[0][0]).toBeCloseTo(1, 5);
      expect(Math.abs(affinity.cosine[0][1]!)).toBeLessThanOrEqual(1);
      expect(affinity.cosine[0][1]).toBeCloseTo(affinity.cosine[1][0]!, 6);
      // A task's own step lowers its own loss.
      expect(affinity.lookahead[0][0]).toBeGreaterThan(0);
      expect(affinity.lookahead[1][1]).toBeGreaterThan(0);

      const map = await readDataMap(measured.runDir);
      expect(map.epochs).toEqual([0, 1]);
      expect(map.rows.length).toBe(data.set.split.filter((s) => s === 0).length);
      const gap = map.confidence[0][1];
      const labelled = Array.from(gap).filter((v) => !Number.isNaN(v));
      // 317 formulas have is_metal only: their band-gap confidence is missing.
      expect(labelled.length).toBeLessThan(gap.length);
      expect(Math.min(...labelled)).toBeGreaterThan(0);
      expect(Math.max(...labelled)).toBeLessThanOrEqual(1);
      expect(Array.from(map.confidence[1][1]).every((v) => v > 0 && v < 1)).toBe(true);
    });

    it.each(['gradnorm', 'dwa', 'pcgrad'])('trains with %s through the per-task or combined gradient path', async (strategy) => {
      const cfg = parseConfigText(yaml(strategy), { baseDir: scratch.dir });
      const summary = await runTraining({ config: cfg, data: await loadRunData(cfg), runDir: join(scratch.dir, strategy) }, quiet);
      const [header, ...rows] = readFileSync(join(summary.runDir, 'metrics.csv'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(','));
      const col = (name: string) => rows.map((r) => Number(r[header.indexOf(name)]));
      expect(col('train_final_loss').every(Number.isFinite)).toBe(true);
      const weights = col('band_gap_weight').map((w, i) => w + col('is_metal_weight')[i]);
      if (strategy !== 'pcgrad') weights.forEach((w) => expect(w).toBeCloseTo(2, 4));
      expect(summary.metrics?.tasks.is_metal.test.accuracy).toBeGreaterThan(0.6);
    });
  });
});
