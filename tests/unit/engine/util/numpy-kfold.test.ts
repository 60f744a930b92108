import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kFoldTestIndices, numpyPermutation, stratifiedKFoldTestIndices } from '../../../../src-main/engine/util/numpy-kfold';
import { repoRoot } from '../../../helpers/paths';

describe("numpy's legacy RandomState shuffle and sklearn's KFold", () => {
  it('matches numpy bit for bit (golden values from numpy 1.24, RandomState(seed).shuffle(arange(n)))', () => {
    expect(Array.from(numpyPermutation(10, 5))).toEqual([9, 5, 2, 4, 7, 1, 0, 8, 6, 3]);
    const p = numpyPermutation(4604, 18012019);
    expect(Array.from(p.slice(0, 10))).toEqual([3185, 3147, 3551, 2181, 3039, 3976, 1579, 3937, 2128, 2710]);
    expect(Array.from(p.slice(-5))).toEqual([14, 2444, 2879, 4096, 1126]);
  });

  it('splits into k disjoint folds covering every index, larger folds first', () => {
    const folds = kFoldTestIndices(4604, 5, 18012019);
    expect(folds.map((f) => f.length)).toEqual([921, 921, 921, 921, 920]);
    const all = new Set(folds.flatMap((f) => Array.from(f)));
    expect(all.size).toBe(4604);
    expect(Array.from(folds[0].slice(0, 3))).toEqual([3185, 3147, 3551]);
  });
});

describe("sklearn's StratifiedKFold", () => {
  it('matches sklearn 1.2 (StratifiedKFold(3, shuffle=True, random_state=7) on a three-class list)', () => {
    const folds = stratifiedKFoldTestIndices([2, 0, 1, 1, 0, 2, 2, 1, 0, 1, 0, 2, 1, 1], 3, 7);
    expect(folds.map((f) => Array.from(f))).toEqual([
      [5, 6, 8, 12, 13],
      [0, 4, 7, 9, 10],
      [1, 2, 3, 11],
    ]);
  });

  it("gives matbench_glass's folds (golden values from sklearn 1.2, random_state 18012019)", async () => {
    const text = await readFile(join(repoRoot, 'data', 'matbench_glass', 'glass.csv'), 'utf8');
    const labels = text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.slice(line.lastIndexOf(',') + 1)));
    const folds = stratifiedKFoldTestIndices(labels, 5, 18012019);
    expect(folds.map((f) => f.length)).toEqual([1136, 1136, 1136, 1136, 1136]);
    expect(folds.map((f) => Array.from(f.slice(0, 4)))).toEqual([
      [0, 6, 17, 21],
      [7, 9, 15, 16],
      [1, 3, 14, 20],
      [4, 8, 10, 11],
      [2, 5, 26, 34],
    ]);
    expect(folds.map((f) => f.reduce((n, r) => n + labels[r], 0))).toEqual([807, 807, 807, 807, 807]);
  });
});
