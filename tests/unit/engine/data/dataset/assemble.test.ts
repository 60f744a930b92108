import { describe, expect, it } from 'vitest';
import { assembleTrainingSet, type AssembleInput } from '../../../../../src-main/engine/data/dataset/assemble';
import type { Column } from '../../../../../src-main/engine/data/dataset/columns';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { estmInput, exptGapInput, phononInput, readCsv, synthetic } from './fixtures';
import { dataSet } from '../../../../helpers/paths';

function thrown(fn: () => unknown): CrucibleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CrucibleError) return e;
    throw e;
  }
  throw new Error('expected a CrucibleError');
}

function withColumns(input: AssembleInput, extra: Record<string, Column>): AssembleInput {
  return { ...input, columns: { ...(input.columns as Record<string, Column>), ...extra } };
}

describe('assembleTrainingSet on synthetic columns', () => {
  const set = assembleTrainingSet(synthetic(30));
  const task = (name: string) => set.tasks.find((t) => t.name === name)!;

  it('masks missing scalar targets and keeps known ones', () => {
    const y = task('y');
    expect(y.width).toBe(1);
    for (let r = 0; r < 30; r++) {
      expect(y.mask[r]).toBe(r % 5 === 0 ? 0 : 1);
      expect(y.targets[r]).toBe(r % 5 === 0 ? 0 : 2 * r + 1);
      expect(y.valid[r]).toBe(y.mask[r]);
    }
    expect(set.report.taskRows).toContainEqual({ name: 'rare', validRows: 3 });
  });

  it('maps text classes to indices in sorted order and keeps the mapping', () => {
    const label = task('label');
    expect(label.classes).toEqual(['a', 'b']);
    for (let r = 0; r < 30; r++) expect(label.targets[r]).toBe(r % 3 === 0 ? 1 : 0);
  });

  it('pads curves of varying length to the longest, with their own grids', () => {
    const curve = task('curve');
    expect(curve.width).toBe(4);
    expect(Array.from(curve.lengths!.subarray(0, 3))).toEqual([2, 3, 4]);
    // Row 1: curve [1, 2, 3] on grid [0, 10, 20], padded with one masked entry.
    expect(Array.from(curve.targets.subarray(4, 8))).toEqual([1, 2, 3, 0]);
    expect(Array.from(curve.steps!.subarray(4, 8))).toEqual([0, 10, 20, 0]);
    expect(Array.from(curve.mask.subarray(4, 8))).toEqual([1, 1, 1, 0]);
    expect(curve.stepsColumn).toBe('grid');
  });

  it('uses 0..L-1 as the grid when no steps column is given, and masks NaN points and missing curves', () => {
    const base = synthetic(4);
    const curves = [Float64Array.of(5, Number.NaN, 7), null, Float64Array.of(Number.NaN, Number.NaN), Float64Array.of(1)];
    const s = assembleTrainingSet({
      ...withColumns(base, { c: { kind: 'list', values: curves } }),
      tasks: [{ name: 'c', kind: 'sequence', dataColumn: 'c' }],
    });
    const c = s.tasks[0];
    expect(c.width).toBe(3);
    expect(Array.from(c.steps!)).toEqual([0, 1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(c.mask)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    // A curve that is entirely NaN is no label; one with some points is.
    expect(Array.from(c.valid)).toEqual([1, 0, 0, 1]);
    expect(Array.from(c.lengths!)).toEqual([3, 0, 2, 1]);
  });

  it('reads fixed-length lists as vector regression and refuses ragged ones naming the row', () => {
    const base = synthetic(3);
    const vectors = [Float64Array.of(1, 2), null, Float64Array.of(3, Number.NaN)];
    const s = assembleTrainingSet({ ...withColumns(base, { v: { kind: 'list', values: vectors } }), tasks: [{ name: 'v', kind: 'regression', dataColumn: 'v' }] });
    expect(s.tasks[0].width).toBe(2);
    expect(Array.from(s.tasks[0].mask)).toEqual([1, 1, 0, 0, 1, 0]);
    const e = thrown(() =>
      assembleTrainingSet({
        ...withColumns(base, { v: { kind: 'list', values: [Float64Array.of(1, 2), null, Float64Array.of(3)] } }),
        tasks: [{ name: 'v', kind: 'regression', dataColumn: 'v' }],
      }),
    );
    expect(e.location).toMatchObject({ row: 4, column: 'v' });
    expect(e.message).toMatch(/1 values in this row but 2 in row 2/);
  });

  it('drops rows without any descriptor, keeps partial gaps as NaN, and reports both', () => {
    const base = synthetic(6);
    const values = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    values[2] = Number.NaN; // row 1: one of two descriptors missing
    values[6] = values[7] = Number.NaN; // row 3: nothing
    const s = assembleTrainingSet({ ...base, descriptors: { names: ['p', 'q'], values }, ids: ['a', 'b', 'c', 'd', 'e', 'f'] });
    expect(s.n).toBe(5);
    expect(s.ids).toEqual(['a', 'b', 'c', 'e', 'f']);
    expect(Array.from(s.rowNumbers)).toEqual([2, 3, 4, 6, 7]);
    expect(s.report.droppedRows).toEqual([{ row: 5, id: 'd', formula: 'G1' }]);
    expect(s.report.missingFeatureValues).toBe(1);
    expect(s.report.featuresWithMissing).toEqual([{ name: 'p', missing: 1 }]);
    expect(Number.isNaN(s.features[2])).toBe(true);
    // Task arrays follow the kept rows: y of input row 4 (9) sits at kept row 3.
    expect(s.tasks[0].targets[3]).toBe(9);
  });

  it('marks rows without structure and counts unlabelled rows', () => {
    const base = synthetic(3);
    const s = assembleTrainingSet({
      ...base,
      structure: { names: ['v'], values: Float64Array.of(1.5, Number.NaN, 2.5) },
      columns: { ...(base.columns as Record<string, Column>), y: { kind: 'number', values: Float64Array.of(1, Number.NaN, 3) } },
      tasks: [{ name: 'y', kind: 'regression', dataColumn: 'y' }],
    });
    expect(Array.from(s.structure!.hasStructure)).toEqual([1, 0, 1]);
    expect(Array.from(s.structure!.values)).toEqual([1.5, 0, 2.5]);
    expect(s.report.unlabeledRows).toBe(1);
  });
});

describe('assembleTrainingSet refuses bad configurations and data', () => {
  const base = synthetic(6);

  it('refuses duplicate task names, unknown kinds and an empty task list', () => {
    expect(thrown(() => assembleTrainingSet({ ...base, tasks: [base.tasks[0], { ...base.tasks[2], name: 'y' }] })).message).toMatch(/Two tasks are named "y"/);
    expect(thrown(() => assembleTrainingSet({ ...base, tasks: [] })).code).toBe('bad-config');
    expect(thrown(() => assembleTrainingSet({ ...base, tasks: [{ name: 't', kind: 'ranking' as 'regression', dataColumn: 'y' }] })).hint).toMatch(/regression, classification or sequence/);
  });

  it('suggests the nearest column name for a typo', () => {
    const e = thrown(() => assembleTrainingSet({ ...base, tasks: [{ name: 'g', kind: 'regression', dataColumn: 'lable' }] }));
    expect(e.code).toBe('bad-config');
    expect(e.hint).toBe('Did you mean "label"?');
    const steps = thrown(() => assembleTrainingSet({ ...base, tasks: [{ name: 'c', kind: 'sequence', dataColumn: 'curve', stepsColumn: 'grdi' }] }));
    expect(steps.message).toMatch(/steps column of task "c"/);
    expect(steps.hint).toBe('Did you mean "grid"?');
  });

  it('refuses a grid whose length differs from its curve, naming the row', () => {
    const grids = (base.columns as Record<string, Column>).grid.values as Float64Array[];
    const bad = grids.map((g, r) => (r === 4 ? g.subarray(1) : g));
    const e = thrown(() => assembleTrainingSet(withColumns(base, { grid: { kind: 'list', values: bad } })));
    expect(e.code).toBe('bad-input');
    expect(e.location).toEqual({ file: undefined, row: 6, column: 'curve' });
    expect(e.message).toMatch(/has 3 points but the grid in column "grid" has 2/);
  });

  it('refuses a curve point without an x value, and a curve without a grid', () => {
    const grids = ((base.columns as Record<string, Column>).grid.values as Float64Array[]).map((g) => g.slice());
    grids[2][1] = Number.NaN;
    expect(thrown(() => assembleTrainingSet(withColumns(base, { grid: { kind: 'list', values: grids } }))).message).toMatch(/point 2 of the curve has a value but its x value is missing/);
    const noGrid = grids.map((g, r) => (r === 1 ? null : g));
    expect(thrown(() => assembleTrainingSet(withColumns(base, { grid: { kind: 'list', values: noGrid } }))).location?.row).toBe(3);
  });

  it('refuses wrong column kinds, infinite values, unknown classes, single-class and label-less tasks', () => {
    expect(thrown(() => assembleTrainingSet({ ...base, tasks: [{ name: 't', kind: 'regression', dataColumn: 'label' }] })).message).toMatch(/regression task but its column "label" holds text/);
    expect(thrown(() => assembleTrainingSet({ ...base, tasks: [{ name: 't', kind: 'sequence', dataColumn: 'y' }] })).hint).toMatch(/list column/);
    expect(thrown(() => assembleTrainingSet({ ...base, tasks: [{ name: 't', kind: 'classification', dataColumn: 'curve' }] })).message).toMatch(/holds lists/);
    const inf = Float64Array.of(1, 2, Infinity, 4, 5, 6);
    expect(thrown(() => assembleTrainingSet({ ...withColumns(base, { y: { kind: 'number', values: inf } }), tasks: [base.tasks[0]] })).location?.row).toBe(4);
    const e = thrown(() => assembleTrainingSet({ ...base, tasks: [{ name: 'l', kind: 'classification', dataColumn: 'label', classes: ['a', 'c'] }] }));
    expect(e.message).toMatch(/label "b", which is not one of its classes/);
    expect(e.location?.row).toBe(2);
    const one = { kind: 'text', values: ['x', 'x', null, 'x', '', 'x'] } as Column;
    expect(thrown(() => assembleTrainingSet({ ...withColumns(base, { one }), tasks: [{ name: 'o', kind: 'classification', dataColumn: 'one' }] })).message).toMatch(/1 class\(es\) \(x\)/);
    const none = { kind: 'number', values: new Float64Array(6).fill(Number.NaN) } as Column;
    expect(thrown(() => assembleTrainingSet({ ...withColumns(base, { none }), tasks: [{ name: 'n', kind: 'regression', dataColumn: 'none' }] })).message).toMatch(/no known value/);
  });

  it('refuses data in which no row has a descriptor', () => {
    const e = thrown(() => assembleTrainingSet({ ...base, descriptors: { names: ['x'], values: new Float64Array(6).fill(Number.NaN) } }));
    expect(e.message).toMatch(/None of the 6 rows/);
  });
});

describe('assembleTrainingSet on real data', () => {
  it('expt_gap: band-gap masks match the empty cells; metal classes are 0 and 1', () => {
    const input = exptGapInput();
    const set = assembleTrainingSet(input);
    expect(set.n).toBe(4921);
    const [gap, metal] = set.tasks;
    let missing = 0;
    for (let r = 0; r < set.n; r++) {
      const known = !Number.isNaN(input.rawGap[r]);
      expect(gap.mask[r]).toBe(known ? 1 : 0);
      if (known) expect(gap.targets[r]).toBe(Math.fround(input.rawGap[r]));
      else missing++;
    }
    expect(missing).toBe(317);
    expect(metal.classes).toEqual(['0', '1']);
    expect(set.report.taskRows).toEqual([
      { name: 'band_gap', validRows: 4604 },
      { name: 'is_metal', validRows: 4921 },
    ]);
    // Every metal with a known gap has gap 0 (as the README says).
    for (let r = 0; r < set.n; r++) if (metal.targets[r] === 1 && gap.mask[r]) expect(gap.targets[r]).toBe(0);
  });

  it('mp_phonon_dos: 51-point curves on their own frequency grid, structure present on every row', () => {
    const set = assembleTrainingSet(phononInput());
    const dos = set.tasks[0];
    expect(set.n).toBe(1602);
    expect(dos.width).toBe(51);
    expect(Array.from(dos.steps!.subarray(0, 3))).toEqual([0, 20, 40]);
    expect(dos.steps![50]).toBe(1000);
    expect(dos.valid.every((v) => v === 1)).toBe(true);
    // Normalised so that max = 1 on every row.
    for (let r = 0; r < set.n; r++) expect(Math.max(...dos.targets.subarray(r * 51, r * 51 + 51))).toBe(1);
    expect(set.structure!.hasStructure.every((v) => v === 1)).toBe(true);
    const { cells, header } = readCsv(dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'));
    expect(set.formulas).toEqual(cells[header.indexOf('formula')]);
  });

  it('estm: curves of 1 to 20 points on grids that vary per row', () => {
    const set = assembleTrainingSet(estmInput());
    const seebeck = set.tasks[0];
    expect(set.n).toBe(912);
    expect(seebeck.width).toBe(20);
    const lengths = Array.from(seebeck.lengths!);
    expect(Math.min(...lengths)).toBe(1);
    // Row 0: 5 points from 303 K to 823 K.
    expect(lengths[0]).toBe(5);
    expect(Array.from(seebeck.steps!.subarray(0, 6))).toEqual([303, 434, 594, 755, 823, 0]);
    for (let r = 0; r < set.n; r++) {
      const m = seebeck.mask.subarray(r * 20, r * 20 + 20);
      expect(m.subarray(lengths[r]).every((v) => v === 0)).toBe(true);
    }
  });
});
