import { describe, expect, it } from 'vitest';
import { kFoldTestIndices, numpyPermutation } from '../../../../src-main/engine/util/numpy-kfold';

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
