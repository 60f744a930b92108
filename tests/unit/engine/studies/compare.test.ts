import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareTableCsv,
  isNegativeTransfer,
  parseStrategies,
  readCompareReport,
  runCompare,
  seedStats,
  summarizeCompare,
  type CompareRun,
} from '../../../../src-main/engine/studies/compare';
import { loadConfig } from '../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import type { RunSummary } from '../../../../src-main/engine/train/run-training';
import { repoRoot, scratchDir } from '../../../helpers/paths';

/** A finished run with only the test metrics the report reads. */
function run(name: string, seed: number, test: Record<string, Record<string, number>>): CompareRun {
  const summary = {
    metrics: { tasks: Object.fromEntries(Object.entries(test).map(([t, m]) => [t, { type: 'x', val: {}, test: m }])) },
  } as unknown as RunSummary;
  return { name, seed, runDir: `/runs/${name}-${seed}`, summary };
}

describe('MTL-vs-STL comparison', () => {
  const tasks = [
    { name: 'gap', kind: 'regression' as const },
    { name: 'metal', kind: 'classification' as const },
  ];
  const runs = [
    run('stl-gap', 1, { gap: { mae: 0.5 } }),
    run('stl-gap', 2, { gap: { mae: 0.52 } }),
    run('stl-metal', 1, { metal: { accuracy: 0.9 } }),
    run('stl-metal', 2, { metal: { accuracy: 0.9 } }),
    run('mtl-static', 1, { gap: { mae: 0.6 }, metal: { accuracy: 0.95 } }),
    run('mtl-static', 2, { gap: { mae: 0.62 }, metal: { accuracy: 0.93 } }),
    run('mtl-pcgrad', 1, { gap: { mae: 0.51 }, metal: { accuracy: 0.85 } }),
    run('mtl-pcgrad', 2, { gap: { mae: 0.53 }, metal: { accuracy: 0.87 } }),
  ];

  it('reports per task the STL metric, each strategy’s, the relative gain and negative transfer beyond the seed noise', () => {
    const [gap, metal] = summarizeCompare(tasks, ['static', 'pcgrad'], runs);
    expect(gap).toMatchObject({ metric: 'mae', higherIsBetter: false, stl: { mean: expect.closeTo(0.51, 9), std: expect.closeTo(Math.SQRT2 * 0.01, 9) } });
    // MAE 0.61 vs 0.51: 19.6 % worse, far beyond the pooled std 0.014 → negative transfer.
    expect(gap.strategies.static).toMatchObject({ mean: expect.closeTo(0.61, 9), gainPct: expect.closeTo((-100 * 0.1) / 0.51, 6), negativeTransfer: true });
    // 0.52 vs 0.51 is within the noise.
    expect(gap.strategies.pcgrad).toMatchObject({ gainPct: expect.closeTo((-100 * 0.01) / 0.51, 6), negativeTransfer: false });
    expect(metal.strategies.static).toMatchObject({ gainPct: expect.closeTo((100 * 0.04) / 0.9, 6), negativeTransfer: false });
    expect(metal.strategies.pcgrad.negativeTransfer).toBe(true);

    const [header, gapRow, metalRow] = compareTableCsv({ strategies: ['static', 'pcgrad'], tasks: [gap, metal] })
      .trim()
      .split('\n');
    expect(header).toBe(
      'task,metric,seeds,stl_mae,stl_mae_std,stl_accuracy,stl_accuracy_std,static_mae,static_mae_std,static_accuracy,static_accuracy_std,static_gain_pct,static_negative_transfer,pcgrad_mae,pcgrad_mae_std,pcgrad_accuracy,pcgrad_accuracy_std,pcgrad_gain_pct,pcgrad_negative_transfer',
    );
    expect(gapRow.split(',').slice(0, 4)).toEqual(['gap', 'mae', '2', '0.51']);
    expect(gapRow.split(',')[12]).toBe('1');
    expect(metalRow.split(',')[3]).toBe('');
  });

  it('needs one seed’s loss only when there is no noise estimate', () => {
    expect(seedStats([0.4])).toEqual({ values: [0.4], mean: 0.4, std: null });
    expect(isNegativeTransfer(seedStats([0.4]), seedStats([0.41]), false)).toBe(true);
    expect(isNegativeTransfer(seedStats([0.4]), seedStats([0.4]), false)).toBe(false);
    expect(isNegativeTransfer(seedStats([]), seedStats([0.4]), false)).toBe(false);
  });

  it('checks strategy names against the registry', () => {
    expect(parseStrategies('static, pcgrad,static')).toEqual(['static', 'pcgrad']);
    expect(() => parseStrategies('static,mgda')).toThrow(/Unknown loss weighting "mgda"/);
  });

  describe('on matbench expt_gap, in worker threads', () => {
    const scratch = scratchDir();
    afterAll(() => scratch.cleanup());

    it('trains each strategy and each single-task model on the same split and writes compare.csv', async () => {
      const config = await loadConfig(join(repoRoot, 'examples', 'expt_gap.yaml'), { overrides: { maxEpochs: 1 } });
      const data = await loadRunData(config);
      const report = await runCompare(config, data, { strategies: ['static', 'pcgrad'], seeds: 1, outDir: scratch.dir });
      expect(report.runs.map((r) => r.name)).toEqual(['mtl-static', 'mtl-pcgrad', 'stl-band_gap', 'stl-is_metal']);
      const stlConfig = readFileSync(join(scratch.dir, 'stl-is_metal-seed42', 'config.yaml'), 'utf8');
      expect(stlConfig).not.toContain('band_gap');
      expect(report.tasks.map((t) => [t.task, t.metric])).toEqual([
        ['band_gap', 'mae'],
        ['is_metal', 'accuracy'],
      ]);
      for (const t of report.tasks) {
        expect(t.stl.mean).toBeGreaterThan(0);
        expect(t.strategies.pcgrad.gainPct).not.toBeNull();
      }
      const csv = readFileSync(join(scratch.dir, 'compare.csv'), 'utf8');
      expect(csv.split('\n')[0]).toMatch(/^task,metric,seeds,stl_mae,stl_mae_std,stl_accuracy,/);
      expect((await readCompareReport(scratch.dir)).tasks).toEqual(report.tasks);
    });
  });
});
