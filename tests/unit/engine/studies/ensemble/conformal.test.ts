/** Split-conformal calibration and the combination of members' outputs, on numbers whose answers are known. */
import { describe, expect, it } from 'vitest';
import { combineOutputs } from '../../../../../src-main/engine/studies/ensemble/combine';
import { calibrate, halfWidth, scoreIntervals } from '../../../../../src-main/engine/studies/ensemble/conformal';
import type { SplitOutputs } from '../../../../../src-main/engine/train/evaluate';
import { Rng } from '../../../../../src-main/engine/util/random';

const uniforms = (seed: number) => {
  const rng = new Rng(seed);
  return () => rng.float();
};

function normals(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.normal());
}

describe('split-conformal intervals', () => {
  it('take the ⌈(n + 1)·c⌉-th smallest score, and say when n is too small for the coverage', () => {
    const truth = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const zeros = truth.map(() => 0);
    const ones = truth.map(() => 1);
    // ε = 0.1 × median spread = 0.1; scores |y| / 1.1; ⌈10 · 0.9⌉ = 9 → the largest.
    const cal = calibrate(truth, zeros, ones, 0.9);
    expect(cal).toMatchObject({ coverage: 0.9, rows: 9 });
    expect(cal.epsilon).toBeCloseTo(0.1, 12);
    expect(cal.q).toBeCloseTo(9 / 1.1, 12);
    expect(calibrate(truth, zeros, ones, 0.5).q).toBeCloseTo(5 / 1.1, 12);
    const tooFew = calibrate(truth.slice(0, 8), zeros.slice(0, 8), ones.slice(0, 8), 0.9);
    expect(tooFew.q).toBeNull();
    expect(halfWidth(tooFew, 1)).toBe(Infinity);
  });

  it('cover new rows at the stated rate when the spread is only roughly right', () => {
    // Heteroscedastic noise; the "ensemble spread" is the true scale off by a random factor up to 2.
    const n = 4000;
    const z = normals(2 * n, 11);
    const u = uniforms(5);
    const scale = Array.from({ length: 2 * n }, () => 0.2 + 2 * u());
    const spread = scale.map((s) => s * (0.5 + 1.5 * u()));
    const mean = scale.map(() => 10 * u());
    const truth = mean.map((m, i) => m + scale[i] * z[i]);
    const part = (a: number[], second: boolean) => (second ? a.slice(n) : a.slice(0, n));
    for (const coverage of [0.8, 0.9, 0.95]) {
      const cal = calibrate(part(truth, false), part(mean, false), part(spread, false), coverage);
      const score = scoreIntervals(cal, part(truth, true), part(mean, true), part(spread, true));
      expect(score.rows).toBe(n);
      expect(Math.abs(score.coverage - coverage)).toBeLessThan(0.02);
      expect(score.meanWidth).toBeGreaterThan(0);
    }
  });
});

describe('combining members', () => {
  const member = (band: number[], logits: number[]): SplitOutputs => ({
    rows: Int32Array.from([4, 7]),
    outputs: new Map([
      ['gap', Float32Array.from(band)],
      ['metal', Float32Array.from(logits)],
    ]),
    targets: new Map([
      ['gap', Float32Array.from([0, 0])],
      ['metal', Float32Array.from([0, 1])],
    ]),
    masks: new Map([
      ['gap', Float32Array.from([1, 1])],
      ['metal', Float32Array.from([1, 1])],
    ]),
  });
  const kinds = new Map([
    ['gap', 'regression' as const],
    ['metal', 'classification' as const],
  ]);

  it('averages regression outputs with their population spread, and classification probabilities as log-probabilities', () => {
    const combined = combineOutputs([member([1, 3], [0, 0, 0, Math.log(3)]), member([3, 5], [Math.log(3), 0, 0, 0])], kinds);
    expect(Array.from(combined.outputs.outputs.get('gap')!)).toEqual([2, 4]);
    expect(Array.from(combined.spread.get('gap')!)).toEqual([1, 1]);
    // Row 1: (0.5, 0.5) and (0.75, 0.25) → (0.625, 0.375); row 2: (0.25, 0.75) and (0.5, 0.5) → (0.375, 0.625).
    const p = Array.from(combined.outputs.outputs.get('metal')!, Math.exp);
    [0.625, 0.375, 0.375, 0.625].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 6));
    expect(combined.spread.has('metal')).toBe(false);
    expect(Array.from(combined.outputs.rows)).toEqual([4, 7]);
  });

  it('refuses members that predicted different rows', () => {
    const other = { ...member([1, 1], [0, 0, 0, 0]), rows: Int32Array.from([4, 8]) };
    expect(() => combineOutputs([member([1, 1], [0, 0, 0, 0]), other], kinds)).toThrow(/different rows/);
  });
});
