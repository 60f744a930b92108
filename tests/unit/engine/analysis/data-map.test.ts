import { afterAll, describe, expect, it } from 'vitest';
import { dataMapPoints, readDataMap, rowConfidence, taskFeatures, writeDataMap, type DataMap } from '../../../../src-main/engine/analysis/data-map';
import { scratchDir } from '../../../helpers/paths';

const N = Number.NaN;

/** Two tasks over three training rows and two epochs; t0 labels rows 0–1, t1 rows 1–2. */
const map: DataMap = {
  tasks: ['t0', 't1'],
  kinds: ['classification', 'regression'],
  epochs: [0, 1],
  rows: [4, 7, 9],
  ids: ['r4', 'r7', 'r9'],
  confidence: [
    [Float32Array.of(0.2, 0.4, N), Float32Array.of(0.4, 0.4, N)],
    [Float32Array.of(N, 0.5, 0.9), Float32Array.of(N, 0.7, 0.9)],
  ],
};

describe('data maps', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('measures confidence as the true class’s probability, and as exp(−mean |residual|) for regression', () => {
    expect(rowConfidence('classification', [0, Math.log(3)], [1], [1])).toBeCloseTo(0.75, 12);
    expect(rowConfidence('classification', [0, Math.log(3)], [0], [1])).toBeCloseTo(0.25, 12);
    expect(rowConfidence('classification', [0, 1], [0], [0])).toBeNaN();
    expect(rowConfidence('regression', [1.5, 0, 9], [1, 1.5, 0], [1, 1, 0])).toBeCloseTo(Math.exp(-1), 12);
    expect(rowConfidence('sequence', [0, 0], [0, 0], [0, 0])).toBeNaN();
  });

  it('builds STG-MTL’s (epoch, row, [variability, confidence]) feature vector, missing labels at the task’s mean', () => {
    const [t0, t1] = taskFeatures(map);
    // Epoch 0: row means are the values, stds 0; row 2 (no t0 label) takes t0's means 0 and 0.3.
    // Epoch 1: row 0 mean 0.3, std 0.1; row 1 mean 0.4, std 0; row 2 the means 0.05 and 0.35.
    expect(Array.from(t0)).toEqual([0, 0.2, 0, 0.4, 0, 0.3, 0.1, 0.3, 0, 0.4, 0.05, 0.35].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(t1)).toEqual([0, 0.7, 0, 0.5, 0, 0.9, 0.05, 0.75, 0.1, 0.6, 0, 0.9].map((v) => expect.closeTo(v, 6)));
  });

  it('round-trips through datamap.json + datamap.bin and gives the scatter of one task', async () => {
    await writeDataMap(scratch.dir, map);
    const back = await readDataMap(scratch.dir);
    expect(back.tasks).toEqual(map.tasks);
    expect(back.rows).toEqual(map.rows);
    expect(back.confidence[1].map((v) => Array.from(v))).toEqual(map.confidence[1].map((v) => Array.from(v)));
    const points = dataMapPoints(back, 't0');
    expect(points.ids).toEqual(['r4', 'r7']);
    expect(points.confidence).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
    expect(points.variability).toEqual([expect.closeTo(0.1, 6), 0]);
    expect(dataMapPoints(back, 't1', 1).ids).toEqual(['r7']);
    await expect(readDataMap(scratch.dir + '-missing')).rejects.toThrow(/has no data maps/);
  });
});
