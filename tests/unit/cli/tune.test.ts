/** `crucible tune`: a real successive-halving search on band gap + metal, its files, and a rerun that continues it. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src-main/engine/config/index';
import type { TuneFile } from '../../../src-main/engine/studies/tune/tune';
import { runCli } from '../../helpers/cli';
import { gapConfigYaml } from '../../helpers/configs';
import { scratchDir } from '../../helpers/paths';

describe('crucible tune', () => {
  const scratch = scratchDir('crucible-cli-tune-');
  afterAll(() => scratch.cleanup());

  it('trains 3 configurations for 1 epoch and the best for 3, writes the table and best.yaml, and a rerun continues it', async () => {
    const config = join(scratch.dir, 'gap.yaml');
    writeFileSync(config, gapConfigYaml({ seed: 7, epochs: 3 }));
    const out = join(scratch.dir, 'tune');
    const args = ['tune', config, '--budget', '3', '--backend', 'wasm', '--out', out];
    const first = runCli(args, { timeoutMs: 150_000 });
    expect(first.status, first.stderr).toBe(0);

    const tune = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8')) as TuneFile;
    expect(tune.schedule).toEqual([
      { index: 0, trials: 3, epochs: 1 },
      { index: 1, trials: 1, epochs: 3 },
    ]);
    const rung0 = tune.records.filter((r) => r.rung === 0);
    const rung1 = tune.records.filter((r) => r.rung === 1);
    expect(rung0.map((r) => r.trial).sort()).toEqual([0, 1, 2]);
    for (const r of tune.records) {
      expect(r.status).toBe('done');
      expect(r.score).toBeGreaterThan(0);
      expect(r.epochsRun).toBe(r.epochs);
      expect(r.test?.band_gap.mae).toBeGreaterThan(0);
    }
    // The survivor is rung 0's lowest validation score, and the best is the lowest of the last rung.
    const lowest = (rs: typeof rung0) => rs.reduce((a, b) => (b.score! < a.score! ? b : a));
    expect(rung1.map((r) => r.trial)).toEqual([lowest(rung0).trial]);
    expect(tune.best).toMatchObject({ trial: lowest(rung1).trial, score: lowest(rung1).score, runDir: lowest(rung1).runDir, config: 'best.yaml' });

    const best = await loadConfig(join(out, 'best.yaml'));
    expect(best.trainer.maxEpochs).toBe(3);
    expect(best.model.encoderOptimizer.lr).toBe(rung1[0].params.lr);
    expect(best.model.hiddenDims).toEqual(rung1[0].params.widths);
    expect(best.data.batchSize).toBe(rung1[0].params.batch_size);
    // Each rung's run folder is an ordinary run of its own length.
    expect((await loadConfig(join(out, rung0[0].runDir, 'config.yaml'))).trainer.maxEpochs).toBe(1);
    // … whose config.yaml records the lower bound the run decided from its labels (band gaps are never negative).
    const decided = { ...best, tasks: best.tasks.map((t) => ({ ...t, bounds: { ...t.bounds, lower: t.bounds.lower === 'auto' ? 0 : t.bounds.lower } })) };
    expect(await loadConfig(join(out, rung1[0].runDir, 'config.yaml'))).toEqual(decided);

    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^trial,rung,epochs,status,val_score,lr,weight_decay,dropout,widths,batch_size,best_epoch,epochs_run,val_band_gap_mae,/);
    expect(csv[1].startsWith(`${tune.best!.trial},1,3,done,`)).toBe(true);
    const table = first.stdout.trim().split('\n');
    expect(table[0]).toMatch(/^trial\s+rung\s+epochs\s+val score\s+lr\s+weight_decay\s+dropout\s+widths\s+batch\s+test band_gap mae\s+test is_metal roc_auc/);
    expect(table[1]).toMatch(new RegExp(`^${tune.best!.trial}\\s+1\\s+3\\s+`));
    expect(first.stdout).toContain(`best: trial ${tune.best!.trial}`);

    // As if stopped during the last rung: its training is not in tune.json, its run folder stays.
    const mtimes = () => rung0.map((r) => statSync(join(out, r.runDir, 'metrics.json')).mtimeMs);
    const before = mtimes();
    writeFileSync(join(out, 'tune.json'), JSON.stringify({ ...tune, records: rung0, best: null }));
    const again = runCli(args, { timeoutMs: 60_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('Reused 3 finished training(s), trained 1.');
    expect(mtimes()).toEqual(before);
    expect(again.stdout).toBe(first.stdout);
    expect(JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8'))).toEqual(tune);
  }, 240_000);
});
