import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import { SPLIT_TEST, SPLIT_VAL } from '../../../../src-main/engine/data/dataset/types';
import { MATBENCH_SEED, foldSplit, matbenchRunInput, matbenchRuns, runMatbench } from '../../../../src-main/engine/studies/matbench';
import { kFoldTestIndices } from '../../../../src-main/engine/util/numpy-kfold';
import { repoRoot, scratchDir } from '../../../helpers/paths';

describe('Matbench protocol', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('tests each fold on its own rows and validates on a tenth of the rest', () => {
    const folds = kFoldTestIndices(100, 5, MATBENCH_SEED);
    const split = foldSplit(100, folds[2], 42, 2);
    expect(split.filter((s) => s === SPLIT_TEST)).toHaveLength(20);
    expect(split.filter((s) => s === SPLIT_VAL)).toHaveLength(8);
    for (const r of folds[2]) expect(split[r]).toBe(SPLIT_TEST);
  });

  it('trains folds in worker threads and reports the mean test MAE', async () => {
    const config = await loadConfig(join(repoRoot, 'examples', 'matbench_expt_gap.yaml'), { overrides: { maxEpochs: 1 } });
    const data = await loadRunData(config);
    expect(data.set.n).toBe(4604);
    const events: string[] = [];
    const result = await runMatbench('expt_gap', config, data, { outDir: scratch.dir, folds: 2, onEvent: (f, e) => events.push(`${f}:${e.type}`) });
    expect(result.folds.map((f) => f.fold)).toEqual([1, 2]);
    expect(result.meanScore).toBeGreaterThan(0);
    expect(result.meanScore).toBeLessThan(2);
    expect(events).toContain('0:done');
    expect(events).toContain('1:done');
  });
});

describe('Matbench protocol for a classification task', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('tests glass on stratified folds and scores one by its ROC-AUC', async () => {
    const config = await loadConfig(join(repoRoot, 'examples', 'matbench_glass.yaml'), { overrides: { maxEpochs: 1 } });
    const data = await loadRunData(config);
    const run = matbenchRuns('glass', { outDir: scratch.dir, folds: 1 })[0];
    const input = matbenchRunInput('glass', config, data, run);
    const gfa = data.set.tasks[0].targets;
    const test = [...input.data.set.split.keys()].filter((r) => input.data.set.split[r] === SPLIT_TEST);
    // Every fold holds 1136 rows of which 807 glass formers, the share of the whole set (71 %).
    expect(test).toHaveLength(1136);
    expect(test.reduce((n, r) => n + gfa[r], 0)).toBe(807);
    const result = await runMatbench('glass', config, data, { outDir: scratch.dir, folds: 1 });
    expect(result.metric).toBe('roc_auc');
    expect(result.meanScore).toBeGreaterThan(0.5);
    expect(result.meanScore).toBeLessThanOrEqual(1);
  });
});
