import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import { learningCurveCsv, parseFractions, runSweep, sweepTableCsv } from '../../../../src-main/engine/studies/sweep';
import { repoRoot, scratchDir } from '../../../helpers/paths';

describe('data-scaling sweeps', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('parses fractions and refuses values outside (0, 1]', () => {
    expect(parseFractions('1, 0.5,0.2,0.5')).toEqual([1, 0.5, 0.2]);
    expect(() => parseFractions('1,0')).toThrow(/\(0, 1\]/);
    expect(() => parseFractions('1.5')).toThrow(/\(0, 1\]/);
  });

  it('trains each fraction × seed with only that task cut, and writes the table and the log-log curve', async () => {
    const config = await loadConfig(join(repoRoot, 'examples', 'expt_gap.yaml'), { overrides: { maxEpochs: 1 } });
    const data = await loadRunData(config);
    const result = await runSweep(config, data, { task: 'band_gap', fractions: [1, 0.25], seeds: 2, outDir: scratch.dir });
    expect(result.points.map((p) => [p.fraction, p.seed])).toEqual([
      [1, 42],
      [1, 43],
      [0.25, 42],
      [0.25, 43],
    ]);
    expect(result.curve[1].trainRows).toBe(Math.round(result.curve[0].trainRows / 4));
    const table = sweepTableCsv(result).trim().split('\n');
    expect(table[0]).toMatch(/^fraction,seed,train_rows,val_band_gap_mae,/);
    expect(table[0]).toContain('test_is_metal_accuracy');
    expect(table).toHaveLength(5);
    const curve = learningCurveCsv(result).trim().split('\n');
    expect(curve[0]).toBe('fraction,train_rows,test_mae_mean,test_mae_std,runs,log10_train_rows,log10_test_mae');
    expect(Number(curve[2].split(',')[5])).toBeCloseTo(Math.log10(result.curve[1].trainRows), 6);
  });
});
