import { describe, expect, it } from 'vitest';
import { assembleTrainingSet } from '../../../../../src-main/engine/data/dataset/assemble';
import { applyScaling, fitScaling, standardize, unstandardize, type ScalingParams } from '../../../../../src-main/engine/data/dataset/scaling';
import type { TrainingSet } from '../../../../../src-main/engine/data/dataset/types';
import { exptGapInput, phononInput, synthetic } from './fixtures';

/** Mean and population std of the values where `take` holds, in float64. */
function stats(values: ArrayLike<number>, take: (k: number) => boolean): { mean: number; std: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < values.length; k++) {
    if (!take(k)) continue;
    sum += values[k];
    count++;
  }
  const mean = sum / count;
  let sq = 0;
  for (let k = 0; k < values.length; k++) if (take(k)) sq += (values[k] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / count), count };
}

function expectClose(a: Float32Array, b: Float32Array, tolerance: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]) / Math.max(1, Math.abs(b[k])));
  expect(worst).toBeLessThan(tolerance);
}

describe('standardize / unstandardize', () => {
  it('round-trips per column and with one pooled entry, imputing NaN and honouring masks', () => {
    const values = Float32Array.of(1, 10, 3, 30, Number.NaN, 20);
    const scaler = { mean: [2, 20], std: [1, 10] };
    const z = standardize(values, scaler);
    expect(Array.from(z)).toEqual([-1, -1, 1, 1, 0, 0]);
    expect(Array.from(unstandardize(z, scaler))).toEqual([1, 10, 3, 30, 2, 20]);
    const pooled = { mean: [10], std: [2] };
    expect(Array.from(standardize(values, pooled, Uint8Array.of(1, 1, 0, 1, 1, 1)))).toEqual([-4.5, 0, 0, 10, 0, 5]);
  });
});

describe('fitScaling', () => {
  it('fits descriptors on training rows only, NaN-aware, and flags constant columns', () => {
    const base = synthetic(10);
    // Column p: row value, with NaN on row 2; column q: constant.
    const values = Float64Array.from({ length: 20 }, (_, k) => (k % 2 === 0 ? k / 2 : 7));
    values[4] = Number.NaN;
    const set: TrainingSet = { ...assembleTrainingSet({ ...base, descriptors: { names: ['p', 'q'], values } }) };
    set.split = Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 1, 2, 2);
    const params = fitScaling(set);
    // Training rows 0..5 minus the NaN: 0, 1, 3, 4, 5.
    expect(params.features.mean[0]).toBeCloseTo(2.6, 12);
    expect(params.features.std[0]).toBeCloseTo(Math.sqrt(((0 - 2.6) ** 2 + (1 - 2.6) ** 2 + 0.16 + 1.96 + 5.76) / 5), 12);
    expect(params.features.mean[1]).toBe(7);
    expect(params.features.std[1]).toBe(1);
    expect(params.features.constant).toEqual(['q']);
    expect(params.warnings[0]).toMatch(/1 descriptor\(s\) do not vary over the training rows and carry no information: q\./);
    const scaled = applyScaling(set, params);
    expect(scaled.features[4]).toBe(0); // the NaN, imputed with the training mean
    expect(scaled.features[1]).toBe(0); // the constant column, centred
  });

  it('scales regression per output and sequences with one pooled mean/std, fitted on training labels', () => {
    const set = assembleTrainingSet(synthetic(60));
    const params = fitScaling(set);
    const [y, label, , curve] = set.tasks;
    const train = (t: typeof y) => (k: number) => t.mask[k] === 1 && set.split[Math.floor(k / t.width)] === 0;
    const yStats = stats(y.targets, train(y));
    expect(params.tasks[0].targets!.mean[0]).toBeCloseTo(yStats.mean, 10);
    expect(params.tasks[0].targets!.std[0]).toBeCloseTo(yStats.std, 10);
    expect(params.tasks[1]).toEqual({ name: 'label', kind: 'classification' });
    const curveStats = stats(curve.targets, train(curve));
    expect(params.tasks[3].targets).toEqual({ mean: [expect.closeTo(curveStats.mean, 10)], std: [expect.closeTo(curveStats.std, 10)] });

    const scaled = applyScaling(set, params);
    expect(scaled.tasks[1]).toBe(label); // classification untouched
    expect(scaled.tasks[3].mask).toBe(curve.mask);
    // Masked entries stay 0; scaled training labels have mean 0 and std 1.
    for (let k = 0; k < curve.mask.length; k++) if (!curve.mask[k]) expect(scaled.tasks[3].targets[k]).toBe(0);
    const z = stats(scaled.tasks[0].targets, train(y));
    expect(z.mean).toBeCloseTo(0, 6);
    expect(z.std).toBeCloseTo(1, 6);
  });

  it('warns about a task without training labels and leaves it unscaled', () => {
    const set = assembleTrainingSet(synthetic(20));
    const rare = set.tasks[2];
    const split = Uint8Array.from(set.split, (s, r) => (rare.valid[r] ? 2 : s));
    const params = fitScaling({ ...set, split });
    expect(params.tasks[2].targets).toEqual({ mean: [0], std: [1] });
    expect(params.warnings).toContain('Task "rare" has no labelled training row; its targets are left unscaled.');
  });

  it('serialises to JSON and back without loss', () => {
    const params = fitScaling(assembleTrainingSet(phononInput()));
    const back = JSON.parse(JSON.stringify(params)) as ScalingParams;
    expect(back).toEqual(params);
  });
});

describe('scaling on real data', () => {
  it('expt_gap: train-only fit, exact round trips of descriptors and band gaps', () => {
    const set = assembleTrainingSet(exptGapInput(3));
    const params = fitScaling(set);
    const isTrain = (r: number) => set.split[r] === 0;
    const d = set.featureNames.length;
    for (let c = 0; c < d; c++) {
      const s = stats(set.features, (k) => k % d === c && isTrain(Math.floor(k / d)));
      expect(params.features.mean[c]).toBeCloseTo(s.mean, 8);
      expect(params.features.std[c]).toBeCloseTo(s.std, 8);
    }
    // Fitting on all rows gives different numbers: the held-out rows do not leak in.
    const all = stats(set.features, (k) => k % d === 1);
    expect(Math.abs(all.mean - params.features.mean[1])).toBeGreaterThan(1e-6);

    const scaled = applyScaling(set, params);
    expectClose(unstandardize(scaled.features, params.features), set.features, 1e-6);
    const gapScaler = params.tasks[0].targets!;
    const back = unstandardize(scaled.tasks[0].targets, gapScaler);
    const gap = set.tasks[0];
    let worst = 0;
    for (let r = 0; r < set.n; r++) if (gap.mask[r]) worst = Math.max(worst, Math.abs(back[r] - gap.targets[r]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('mp_phonon_dos: pooled DOS scaling and structure scaling round-trip', () => {
    const set = assembleTrainingSet(phononInput());
    const params = fitScaling(set);
    const dos = params.tasks[0].targets!;
    expect(dos.mean).toHaveLength(1);
    expect(dos.mean[0]).toBeGreaterThan(0);
    expect(dos.mean[0]).toBeLessThan(1);
    const scaled = applyScaling(set, params);
    expectClose(unstandardize(scaled.tasks[0].targets, dos), set.tasks[0].targets, 1e-5);
    expect(params.structure!.names).toEqual(['n_sites', 'volume_per_atom']);
    expectClose(unstandardize(scaled.structure!.values, params.structure!), set.structure!.values, 1e-5);
  });
});
