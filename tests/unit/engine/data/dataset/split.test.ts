import { describe, expect, it } from 'vitest';
import { assembleTrainingSet } from '../../../../../src-main/engine/data/dataset/assemble';
import { assignSplits, parseSplitLabel, type SplitInput } from '../../../../../src-main/engine/data/dataset/split';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { Rng } from '../../../../../src-main/engine/util/random';
import { exptGapInput, phononInput } from './fixtures';

/** Random multi-task availability: groups of 1–3 rows (polymorphs), a common, a medium and a rare task. */
function randomInput(seed: number, nGroups: number): SplitInput {
  const rng = new Rng(seed);
  const groups: string[] = [];
  for (let g = 0; g < nGroups; g++) for (let k = rng.int(3); k >= 0; k--) groups.push(`F${g}`);
  const task = (p: number) => Uint8Array.from(groups, () => (rng.float() < p ? 1 : 0));
  return { groups, taskValid: [task(0.9), task(0.3), task(0.04)] };
}

/** Each group's split, checking that no group straddles two splits. */
function groupSplits(groups: readonly string[], split: Uint8Array): Map<string, number> {
  const of = new Map<string, number>();
  groups.forEach((g, r) => {
    const prev = of.get(g);
    if (prev !== undefined && prev !== split[r]) throw new Error(`group ${g} straddles splits`);
    of.set(g, split[r]);
  });
  return of;
}

describe('assignSplits (random, grouped)', () => {
  it('never puts one group in two splits', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const input = randomInput(seed, 800);
      expect(() => groupSplits(input.groups, assignSplits(input, { seed, valFraction: 0.15, testFraction: 0.2 }).split)).not.toThrow();
    }
  });

  it('hits the requested fractions overall and per task, rare tasks included', () => {
    for (const seed of [11, 12, 13]) {
      const input = randomInput(seed, 2000);
      const { split, randomGroups, labelledGroups } = assignSplits(input, { seed, valFraction: 0.1, testFraction: 0.2 });
      expect(labelledGroups).toBe(0);
      expect(randomGroups).toBe(2000);
      const perGroup = groupSplits(input.groups, split);
      const share = (code: number) => [...perGroup.values()].filter((s) => s === code).length / perGroup.size;
      // Cumulative rounding keeps the overall group counts exact to within one group.
      expect(Math.abs(share(2) - 0.2)).toBeLessThanOrEqual(1 / 2000);
      expect(Math.abs(share(1) - 0.1)).toBeLessThanOrEqual(1 / 2000);
      input.taskValid.forEach((valid) => {
        const taskGroups = new Map<string, number>();
        input.groups.forEach((g, r) => valid[r] && taskGroups.set(g, split[r]));
        const taskShare = (code: number) => [...taskGroups.values()].filter((s) => s === code).length / taskGroups.size;
        expect(Math.abs(taskShare(2) - 0.2)).toBeLessThan(0.05);
        expect(Math.abs(taskShare(1) - 0.1)).toBeLessThan(0.05);
      });
    }
  });

  it('gives the rarest task exactly its held-out share with every seed', () => {
    // 200 groups, a task on 10 of them: chunked first, it gets round(10·0.2) = 2 test and 1 val groups.
    const groups = Array.from({ length: 200 }, (_, r) => `F${r}`);
    const rare = Uint8Array.from(groups, (_, r) => (r % 20 === 0 ? 1 : 0));
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { split } = assignSplits({ groups, taskValid: [new Uint8Array(200).fill(1), rare] }, { seed, valFraction: 0.1, testFraction: 0.2 });
      const rareSplits = [...split].filter((_, r) => rare[r]);
      expect(rareSplits.filter((s) => s === 2).length).toBe(2);
      expect(rareSplits.filter((s) => s === 1).length).toBe(1);
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    const input = randomInput(9, 500);
    const a = assignSplits(input, { seed: 42 }).split;
    expect(assignSplits(input, { seed: 42 }).split).toEqual(a);
    expect(assignSplits(input, { seed: 43 }).split).not.toEqual(a);
  });

  it('puts everything in test with testAll, and refuses bad fractions', () => {
    const input = randomInput(1, 50);
    expect(assignSplits(input, { seed: 1, testAll: true }).split.every((s) => s === 2)).toBe(true);
    expect(() => assignSplits(input, { seed: 1, valFraction: 0.5, testFraction: 0.5 })).toThrow(/leave no training rows/);
    expect(() => assignSplits(input, { seed: 1, testFraction: -0.1 })).toThrow(CrucibleError);
    expect(() => assignSplits(input, { seed: 1, valFraction: Number.NaN })).toThrow(/must be at least 0/);
  });
});

describe('assignSplits (split column)', () => {
  const groups = ['A', 'A', 'B', 'C', 'C', 'D', 'E'];
  const taskValid = [new Uint8Array(7).fill(1)];

  it('reads train/val/validation/valid/test in any case and splits blank groups at random', () => {
    expect([' Train', 'VAL', 'validation', 'Valid', 'TEST', '', null, 'nope'].map(parseSplitLabel)).toEqual([0, 1, 1, 1, 2, null, null, undefined]);
    const labels = ['train', null, 'Validation', 'test', '  ', null, null];
    const r = assignSplits({ groups, taskValid, labels }, { seed: 3, valFraction: 0, testFraction: 0 });
    // A's blank row follows the group's label; D and E have no label and, with zero fractions, train.
    expect(Array.from(r.split)).toEqual([0, 0, 1, 2, 2, 0, 0]);
    expect(r.labelledGroups).toBe(3);
    expect(r.randomGroups).toBe(2);
    expect(r.warnings).toEqual([]);
  });

  it('resolves conflicting labels inside a group by test > val > train, with a warning', () => {
    const labels = ['train', 'test', 'val', 'val', 'train', 'train', 'val'];
    const r = assignSplits({ groups, taskValid, labels }, { seed: 3 });
    expect(Array.from(r.split)).toEqual([2, 2, 1, 1, 1, 0, 1]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^2 conflicting split label\(s\).*"A" has train and test.*test > val > train/);
  });

  it('refuses an unknown label, naming the spreadsheet row and column', () => {
    const labels = ['train', 'train', 'dev', 'test', 'test', 'val', 'val'];
    try {
      assignSplits({ groups, taskValid, labels, labelColumn: 'split', origin: { file: 'data.csv' } }, { seed: 1 });
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(CrucibleError);
      expect((e as CrucibleError).describe()).toMatch(/^data.csv, row 4, column "split": Split value "dev" is not a split name\. Use train, val/);
    }
  });

  it('is used by assembleTrainingSet from a text column, with row numbers of the kept rows', () => {
    const input = phononInput();
    const n = input.formulas.length;
    const labels = input.formulas.map((_, r) => (r < 100 ? 'test' : null));
    const set = assembleTrainingSet({ ...input, columns: { ...input.columns, split: { kind: 'text', values: labels } }, splitColumn: 'split' });
    const perGroup = groupSplits(set.groups, set.split);
    // Every formula among the first 100 rows is in test, including its polymorphs further down.
    for (const f of input.formulas.slice(0, 100)) expect(perGroup.get(f)).toBe(2);
    expect(set.split.filter((s) => s === 2).length).toBeGreaterThanOrEqual(100);
    expect(set.n).toBe(n);
    expect(() => assembleTrainingSet({ ...input, splitColumn: 'splt', columns: { ...input.columns, split: { kind: 'text', values: labels } } })).toThrow(/has no column of that name/);
  });
});

describe('assignSplits on real data', () => {
  it('expt_gap: no formula in two splits, fractions close to 80/10/10, seeded runs repeat', () => {
    const set = assembleTrainingSet(exptGapInput(5));
    const perGroup = groupSplits(set.groups, set.split);
    const counts = [0, 0, 0];
    for (const s of set.split) counts[s]++;
    expect(Math.abs(counts[1] / set.n - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(counts[2] / set.n - 0.1)).toBeLessThan(0.01);
    expect(perGroup.size).toBe(4921);
    const gap = set.tasks[0];
    const gapTest = [...set.split].filter((s, r) => s === 2 && gap.valid[r]).length;
    expect(Math.abs(gapTest / 4604 - 0.1)).toBeLessThan(0.01);
    expect(assembleTrainingSet(exptGapInput(5)).split).toEqual(set.split);
  });

  it('mp_phonon_dos: polymorphs (shared formulas) stay together', () => {
    const set = assembleTrainingSet(phononInput(2));
    const perGroup = groupSplits(set.groups, set.split);
    expect(perGroup.size).toBe(1441);
    const repeated = set.groups.filter((g, r) => set.groups.indexOf(g) !== r);
    expect(repeated.length).toBe(1602 - 1441);
  });
});
