/**
 * A deep ensemble end to end on real data: members trained and combined, conformal intervals in metrics.json and
 * the test table, a resumed ensemble that keeps its finished members, and the exported bundle predicting the same
 * means, spreads and intervals through onnxruntime as the tfjs members did.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../../src-main/engine/config/index';
import type { ResolvedRunConfig } from '../../../../../src-main/engine/config/types';
import { loadRunData } from '../../../../../src-main/engine/data/load-run-data';
import { exportBundle } from '../../../../../src-main/engine/export/bundle/index';
import { readBundle } from '../../../../../src-main/engine/export/bundle/read-bundle';
import { predictBatch } from '../../../../../src-main/engine/infer/index';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { readEnsembleRecord } from '../../../../../src-main/engine/run-folder/index';
import { trainJob } from '../../../../../src-main/engine/studies/train-job';
import type { LoadedData, TrainingEvent } from '../../../../../src-main/engine/train/run-training';
import { scratchDir } from '../../../../helpers/paths';
import { GAP_RUN, testPredictions } from '../../export/bundle/trained-runs';

const COVERAGE = 0.8;
const YAML = `${GAP_RUN}\nensemble: { size: 3, coverage: ${COVERAGE} }\n`;

describe('ensembles', () => {
  const scratch = scratchDir('crucible-ensemble-');
  const runDir = join(scratch.dir, 'run');
  const statuses: string[] = [];
  const ctx = {
    emit: (e: TrainingEvent) => {
      if (e.type === 'status') statuses.push(e.message);
    },
    signal: new AbortController().signal,
  };
  let cfg: ResolvedRunConfig;
  let data: LoadedData;
  let metrics: {
    tasks: Record<string, { test: Record<string, number>; interval?: Record<string, number> }>;
    ensemble: { size: number; members: { seed: number; test: Record<string, Record<string, number>> }[] };
  };

  beforeAll(async () => {
    await initBackend('wasm');
    cfg = parseConfigText(YAML, { baseDir: scratch.dir });
    data = await loadRunData(cfg);
    await trainJob({ config: cfg, data, runDir }, ctx);
    metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
  }, 120_000);
  afterAll(() => scratch.cleanup());

  it('trains each member as a run folder of its own, the first with the config seed', async () => {
    expect(cfg.ensemble).toEqual({ size: 3, coverage: COVERAGE });
    const record = (await readEnsembleRecord(runDir))!;
    expect(record.members.map((m) => m.dir)).toEqual(['members/member-1', 'members/member-2', 'members/member-3']);
    expect(record.members[0].seed).toBe(3);
    expect(new Set(record.members.map((m) => m.seed)).size).toBe(3);
    for (const m of record.members) {
      expect(existsSync(join(runDir, m.dir, 'checkpoints', 'best.ckpt'))).toBe(true);
      expect(readFileSync(join(runDir, m.dir, 'config.yaml'), 'utf8')).toContain(`seed_everything: ${m.seed}`);
    }
    expect(statuses.filter((s) => /^Member \d of 3 \(seed/.test(s))).toHaveLength(3);
    expect(readFileSync(join(runDir, 'config.yaml'), 'utf8')).toMatch(/ensemble:\s*\n\s+size: 3\n\s+coverage: 0.8/);
  });

  it('scores the mean prediction, which errs less than its members on average', () => {
    expect(metrics.ensemble.members).toHaveLength(3);
    const memberMae = metrics.ensemble.members.map((m) => m.test.band_gap.mae);
    // |mean error| ≤ mean |error| row by row, so this holds for any members.
    expect(metrics.tasks.band_gap.test.mae).toBeLessThanOrEqual(memberMae.reduce((a, b) => a + b, 0) / 3 + 1e-6);
    const rows = testPredictions(runDir).filter((r) => r.band_gap_true !== '');
    const mae = rows.reduce((a, r) => a + Math.abs(Number(r.band_gap) - Number(r.band_gap_true)), 0) / rows.length;
    expect(mae).toBeCloseTo(metrics.tasks.band_gap.test.mae, 4);
    expect(metrics.tasks.is_metal.test.roc_auc).toBeGreaterThan(0.8);
  });

  it('calibrates intervals on the validation rows that cover the stated share of the test rows', () => {
    const interval = metrics.tasks.band_gap.interval!;
    expect(interval).toMatchObject({ coverage: COVERAGE, test_rows: 461 });
    expect(interval.calibration_rows).toBeGreaterThan(400);
    expect(Math.abs(interval.test_coverage - COVERAGE)).toBeLessThan(0.06);
    const rows = testPredictions(runDir).filter((r) => r.band_gap_true !== '');
    expect(rows).toHaveLength(interval.test_rows);
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['band_gap_std', 'band_gap_lo', 'band_gap_hi']));
    const inside = rows.filter((r) => Number(r.band_gap_lo) <= Number(r.band_gap_true) && Number(r.band_gap_true) <= Number(r.band_gap_hi));
    expect(inside.length / rows.length).toBeCloseTo(interval.test_coverage, 2);
    for (const r of rows) {
      expect(Number(r.band_gap_std)).toBeGreaterThanOrEqual(0);
      expect(Number(r.band_gap_lo)).toBeLessThanOrEqual(Number(r.band_gap));
      expect(Number(r.band_gap_hi)).toBeGreaterThanOrEqual(Number(r.band_gap));
    }
    // Classification gets no interval: its probabilities already say how sure the ensemble is.
    expect(metrics.tasks.is_metal.interval).toBeUndefined();
  });

  it('keeps finished members when resumed, and combines them to the same numbers', async () => {
    const before = readFileSync(join(runDir, 'predictions', 'test.csv'), 'utf8');
    statuses.length = 0;
    await trainJob({ config: cfg, data, runDir, resume: true }, ctx);
    expect(statuses.filter((s) => s.endsWith('finished before, kept'))).toHaveLength(3);
    expect(readFileSync(join(runDir, 'predictions', 'test.csv'), 'utf8')).toBe(before);
  });

  it('exports every member into one graph that predicts the mean, spread and interval of the tfjs members', async () => {
    const file = join(scratch.dir, 'gap-ensemble.crucible');
    await exportBundle(runDir, file);
    const { manifest } = await readBundle(file);
    const gap = manifest.tasks.find((t) => t.name === 'band_gap')!;
    expect(gap.uncertainty).toEqual({ std: 'band_gap_std', lo: 'band_gap_lo', hi: 'band_gap_hi', coverage: COVERAGE });
    expect(manifest.tasks.find((t) => t.name === 'is_metal')!.uncertainty).toBeUndefined();
    expect(manifest.training.ensemble).toMatchObject({ size: 3 });

    const rows = testPredictions(runDir).slice(0, 200);
    const input = join(scratch.dir, 'test-formulas.csv');
    writeFileSync(input, `formula\n${rows.map((r) => r.formula).join('\n')}\n`);
    // Parquet: full precision (a CSV rounds each task to the digits its test error allows).
    const output = join(scratch.dir, 'predicted.parquet');
    const summary = await predictBatch({ model: file, input, output }, { emit: () => {}, signal: new AbortController().signal });
    expect(summary.columns.join(',')).toBe(
      'formula,formula_canonical,band_gap,band_gap_std,band_gap_lo,band_gap_hi,band_gap_in_domain,is_metal,is_metal_prob_0,is_metal_prob_1,is_metal_in_domain,domain_note',
    );
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const predicted = (await c.runAndReadAll(`SELECT * FROM '${output}'`)).getRowObjectsJS() as Record<string, number>[];
    c.closeSync();
    db.closeSync();
    predicted.forEach((got, i) => {
      for (const k of ['band_gap', 'band_gap_std', 'band_gap_lo', 'band_gap_hi', 'is_metal_prob_1']) {
        const want = Number(rows[i][k === 'is_metal_prob_1' ? 'is_metal_p_1' : k]);
        expect(Math.abs(got[k] - want), `${k} of ${rows[i].formula}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(want)));
      }
    });
  });
});
