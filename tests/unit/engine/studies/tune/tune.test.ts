import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpResolvedConfig, parseConfigText, type ResolvedRunConfig } from '../../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../../src-main/engine/data/load-run-data';
import { halvingSchedule, promote } from '../../../../../src-main/engine/studies/tune/halving';
import { valBaselines, validationScore } from '../../../../../src-main/engine/studies/tune/score';
import { sampleParams, SEARCH_SPACE, trialConfig } from '../../../../../src-main/engine/studies/tune/space';
import { rankRecords, resultsCsv, runTune, type TuneRecord } from '../../../../../src-main/engine/studies/tune/tune';
import type { LoadedData } from '../../../../../src-main/engine/train/run-training';
import { gapConfigYaml } from '../../../../helpers/configs';
import { repoRoot, scratchDir } from '../../../../helpers/paths';

const gapConfig = (extra = '') => parseConfigText(gapConfigYaml({ seed: 7, epochs: 9, extra }), { baseDir: repoRoot });

describe('successive-halving schedule', () => {
  it('keeps a third per rung and ends at max_epochs', () => {
    expect(halvingSchedule(9, 100)).toEqual([
      { index: 0, trials: 9, epochs: 11 },
      { index: 1, trials: 3, epochs: 33 },
      { index: 2, trials: 1, epochs: 100 },
    ]);
    expect(halvingSchedule(3, 3)).toEqual([
      { index: 0, trials: 3, epochs: 1 },
      { index: 1, trials: 1, epochs: 3 },
    ]);
    expect(halvingSchedule(10, 30, 2).map((r) => [r.trials, r.epochs])).toEqual([
      [10, 4],
      [5, 8],
      [2, 15],
      [1, 30],
    ]);
  });

  it('has no more rungs than the epochs or the budget allow', () => {
    // 5 epochs allow one cut (⌊log₃ 5⌋ = 1) though 27 configurations would allow three.
    expect(halvingSchedule(27, 5)).toEqual([
      { index: 0, trials: 27, epochs: 2 },
      { index: 1, trials: 9, epochs: 5 },
    ]);
    expect(halvingSchedule(2, 100)).toEqual([{ index: 0, trials: 2, epochs: 100 }]);
    expect(halvingSchedule(1, 1)).toEqual([{ index: 0, trials: 1, epochs: 1 }]);
  });

  it('refuses a budget that is not a positive whole number, with a hint', () => {
    for (const budget of [0, -3, 2.5]) {
      expect(() => halvingSchedule(budget, 10)).toThrow(expect.objectContaining({ code: 'bad-input', hint: expect.stringMatching(/--budget/) }));
    }
  });

  it('promotes the lowest scores, ties to the earlier trial, never an unscored trial', () => {
    const scored = [
      { trial: 0, score: 0.5 },
      { trial: 1, score: null },
      { trial: 2, score: 0.2 },
      { trial: 3, score: 0.5 },
      { trial: 4, score: Number.NaN },
    ];
    expect(promote(scored, 2)).toEqual([2, 0]);
    expect(promote(scored, 3)).toEqual([2, 0, 3]);
    expect(promote(scored, 5)).toEqual([2, 0, 3]);
  });
});

describe('search space', () => {
  it('draws the same trials from the same seed, each trial from its own stream', () => {
    expect(Array.from({ length: 5 }, (_, i) => sampleParams(42, i))).toEqual(Array.from({ length: 5 }, (_, i) => sampleParams(42, i)));
    expect(sampleParams(42, 3)).not.toEqual(sampleParams(43, 3));
    expect(sampleParams(42, 0)).not.toEqual(sampleParams(42, 1));
  });

  it('stays inside the documented ranges and reaches every choice', () => {
    const samples = Array.from({ length: 400 }, (_, i) => sampleParams(7, i));
    const s = SEARCH_SPACE;
    for (const p of samples) {
      expect(p.lr).toBeGreaterThanOrEqual(s.lr.min);
      expect(p.lr).toBeLessThanOrEqual(s.lr.max);
      if (p.weight_decay !== 0) {
        expect(p.weight_decay).toBeGreaterThanOrEqual(s.weight_decay.min);
        expect(p.weight_decay).toBeLessThanOrEqual(s.weight_decay.max);
      }
      expect(p.dropout).toBeGreaterThanOrEqual(s.dropout.min);
      expect(p.dropout).toBeLessThanOrEqual(s.dropout.max);
    }
    const zeros = samples.filter((p) => p.weight_decay === 0).length / samples.length;
    expect(zeros).toBeGreaterThan(0.15);
    expect(zeros).toBeLessThan(0.35);
    // Log-uniform: about half the rates below the geometric middle of the range (1e-3).
    const low = samples.filter((p) => p.lr < 1e-3).length / samples.length;
    expect(low).toBeGreaterThan(0.4);
    expect(low).toBeLessThan(0.6);
    expect(new Set(samples.map((p) => p.widths.join('-')))).toEqual(new Set(s.widths.choices.map((c) => c.join('-'))));
    expect(new Set(samples.map((p) => p.batch_size))).toEqual(new Set(s.batch_size.choices));
  });

  it('writes a sample into every optimiser, the encoder and the batch size, keeping the heads and the rest', () => {
    const base = gapConfig();
    const params = { lr: 0.003, weight_decay: 1e-5, dropout: 0.2, widths: [512, 256], batch_size: 64 };
    const cfg = trialConfig(base, params, 3);
    for (const o of [cfg.model.encoderOptimizer, ...cfg.tasks.map((t) => t.optimizer)]) {
      expect(o.lr).toBe(0.003);
      expect(o.weightDecay).toBe(1e-5);
    }
    expect(cfg.model).toMatchObject({ inputDim: 'auto', hiddenDims: [512, 256], depositDim: base.model.depositDim, dropout: 0.2 });
    expect(cfg.data.batchSize).toBe(64);
    expect(cfg.trainer.maxEpochs).toBe(3);
    const same = (c: ResolvedRunConfig) => ({
      ...c,
      model: { ...c.model, encoderOptimizer: null, hiddenDims: null, dropout: null },
      tasks: null,
      data: null,
      trainer: null,
    });
    expect(same(cfg)).toEqual(same(base));
    expect(cfg.tasks.map((t) => ({ ...t, optimizer: null }))).toEqual(base.tasks.map((t) => ({ ...t, optimizer: null })));
    expect(cfg.data).toEqual({ ...base.data, batchSize: 64 });
    // What the run folder's config.yaml holds resolves to the same configuration.
    expect(parseConfigText(dumpResolvedConfig(cfg), { baseDir: '/' })).toEqual(cfg);
  });

  it('lowers min_epochs for a rung shorter than it', () => {
    const base = parseConfigText(gapConfigYaml({ seed: 7, epochs: 9 }).replace('  max_epochs: 9', '  max_epochs: 9\n  min_epochs: 5'), { baseDir: repoRoot });
    expect(trialConfig(base, sampleParams(7, 0), 3).trainer).toMatchObject({ maxEpochs: 3, minEpochs: 3 });
    expect(trialConfig(base, sampleParams(7, 0), 9).trainer).toMatchObject({ maxEpochs: 9, minEpochs: 5 });
  });
});

describe('validation score and results table', () => {
  it('averages unitless validation errors: MAE over the mean predictor, 2 · (1 − ROC-AUC)', () => {
    const tasks = {
      gap: { type: 'regression', val: { mae: 0.5 }, test: { mae: 0.1 } },
      metal: { type: 'classification', val: { roc_auc: 0.9 }, test: { roc_auc: 0.5 } },
    };
    expect(validationScore(tasks, { gap: 2 })).toBeCloseTo((0.25 + 0.2) / 2, 12);
    expect(validationScore({ gap: tasks.gap }, {})).toBeNull();
    expect(validationScore({ metal: { type: 'classification', val: {}, test: {} } }, {})).toBeNull();
  });

  it('ranks the last rung first, then by score, unscored last', () => {
    const record = (trial: number, rung: number, score: number | null): TuneRecord => ({
      trial,
      rung,
      epochs: rung + 1,
      params: sampleParams(1, trial),
      runDir: `r${rung}-t${trial}`,
      status: score === null ? 'failed' : 'done',
      score,
      ...(score === null ? { error: 'Training diverged.' } : { val: { gap: { mae: score } }, test: { gap: { mae: 2 * score } } }),
    });
    const ranked = rankRecords([record(0, 0, 0.3), record(1, 0, null), record(2, 0, 0.1), record(2, 1, 0.2)]);
    expect(ranked.map((r) => r.runDir)).toEqual(['r1-t2', 'r0-t2', 'r0-t0', 'r0-t1']);
    const csv = resultsCsv(ranked).trim().split('\n');
    expect(csv[0]).toBe(
      'trial,rung,epochs,status,val_score,lr,weight_decay,dropout,widths,batch_size,best_epoch,epochs_run,val_gap_mae,test_gap_mae,run_dir,error',
    );
    expect(csv[1]).toMatch(/^2,1,2,done,0\.2,.*,0\.2,0\.4,r1-t2,$/);
    expect(csv[4]).toMatch(/^1,0,1,failed,,.*,r0-t1,Training diverged\.$/);
  });
});

describe('runTune refusals', () => {
  const scratch = scratchDir('crucible-tune-');
  let data: LoadedData;
  beforeAll(async () => {
    data = await loadRunData(gapConfig());
  });
  afterAll(() => scratch.cleanup());

  it('gives the val MAE of the training mean for regression tasks only', () => {
    const baselines = valBaselines(data.set, ['band_gap', 'is_metal']);
    expect(Object.keys(baselines)).toEqual(['band_gap']);
    expect(baselines.band_gap).toBeGreaterThan(0.5);
  });

  it('refuses a config without an enabled task, a bad budget, a folder that holds something else and the folder of another tune', async () => {
    const off = parseConfigText(
      gapConfigYaml({
        seed: 7,
        tasks: '      - { name: band_gap, type: REGRESSION, data_column: band_gap_eV, enabled: false }',
      }),
      { baseDir: repoRoot },
    );
    await expect(runTune(off, data, { budget: 3, outDir: join(scratch.dir, 'a') })).rejects.toMatchObject({
      code: 'bad-config',
      hint: expect.stringMatching(/enabled/),
    });
    await expect(runTune(gapConfig(), data, { budget: 0, outDir: join(scratch.dir, 'b') })).rejects.toMatchObject({ code: 'bad-input' });
    const busy = join(scratch.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    await expect(runTune(gapConfig(), data, { budget: 3, outDir: busy })).rejects.toMatchObject({
      code: 'already-exists',
      hint: expect.stringMatching(/--out/),
    });
    const other = join(scratch.dir, 'other');
    mkdirSync(other);
    const fingerprint = { config: 'another', data: data.sources.map((s) => s.sha256), budget: 9, eta: 3, space: SEARCH_SPACE };
    writeFileSync(join(other, 'tune.json'), JSON.stringify({ format: 'crucible-tune', version: 1, fingerprint, schedule: [], records: [], best: null }));
    await expect(runTune(gapConfig(), data, { budget: 3, outDir: other })).rejects.toMatchObject({
      code: 'bad-input',
      message: expect.stringMatching(/holds a tune with different settings: the configuration, the budget \(9 then, 3 now\) changed\.$/),
      hint: expect.stringMatching(/^Rerun with the config, --budget and options it was started with.*seed_everything: true/),
    });
  });
});
