import { describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../src-main/engine/errors';
import { FUZZY_DEFAULTS, fuzzyCluster, fuzzyMemberships } from '../../../../src-main/engine/analysis/fuzzy-cmeans';

describe('fuzzy c-means', () => {
  it('computes memberships uᵢₖ = 1 / Σⱼ (dᵢₖ/dᵢⱼ)^(2/(m−1)) by hand', () => {
    // The point is 1 from the first centre and 2 from the second.
    const [u] = fuzzyMemberships(
      [[1, 0]],
      [
        [0, 0],
        [3, 0],
      ],
      2,
    );
    expect(u[0]).toBeCloseTo(1 / (1 + (1 / 2) ** 2), 12); // 0.8
    expect(u[1]).toBeCloseTo(1 / (1 + 2 ** 2), 12); // 0.2
    // STG-MTL's m = 1.07: exponent 2/0.07 ≈ 28.6, nearly hard, yet finite and summing to 1.
    const [hard] = fuzzyMemberships(
      [[1, 0]],
      [
        [0, 0],
        [3, 0],
      ],
      1.07,
    );
    expect(hard[1]).toBeCloseTo(0.5 ** (2 / 0.07), 15);
    expect(hard[0] + hard[1]).toBe(1);
    // A point on a centre belongs to it alone.
    expect(
      fuzzyMemberships(
        [[3, 0]],
        [
          [0, 0],
          [3, 0],
        ],
        2,
      ),
    ).toEqual([[0, 1]]);
  });

  it('finds well-separated clusters, numbered by their first point, the same for the same seed', () => {
    const points = [
      [0, 0],
      [10, 10],
      [0.2, 0.1],
      [-5, 8],
      [10.3, 9.9],
      [-5.2, 8.1],
      [0.1, -0.2],
    ];
    const result = fuzzyCluster(points, { ...FUZZY_DEFAULTS, k: 3 });
    expect(result.labels).toEqual([0, 1, 0, 2, 1, 2, 0]);
    for (const row of result.memberships) expect(Math.max(...row)).toBeGreaterThan(0.999);
    expect(Array.from(result.centres[1])).toEqual([expect.closeTo(10.15, 9), expect.closeTo(9.95, 9)]);
    expect(fuzzyCluster(points, { ...FUZZY_DEFAULTS, k: 3, seed: 5 }).labels).toEqual(result.labels);
  });

  it('iterates fuzzy c-means to a fixed point: a point midway between two clusters is shared equally', () => {
    const points = [
      [-1, 0],
      [-1.2, 0],
      [1, 0],
      [1.2, 0],
      [0, 0],
    ];
    const result = fuzzyCluster(points, { ...FUZZY_DEFAULTS, k: 2, m: 2, method: 'fcm' });
    expect(result.memberships[4][0]).toBeCloseTo(0.5, 6);
    expect(result.memberships[0][0]).toBeGreaterThan(0.9);
    expect(result.centres[0][0]).toBeLessThan(-0.9);
  });

  it('rejects k outside 1..points and m ≤ 1', () => {
    expect(() => fuzzyCluster([[0], [1]], { ...FUZZY_DEFAULTS, k: 3 })).toThrow(/k is 3, but there are 2 tasks/);
    expect(() => fuzzyCluster([[0], [1]], { ...FUZZY_DEFAULTS, k: 1, m: 1 })).toThrow(CrucibleError);
  });
});
