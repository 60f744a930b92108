import { describe, expect, it } from 'vitest';
import { requireColumn, rowNumberOf } from '../../../../../src-main/engine/data/dataset/columns';
import { nearestName, suggestionHint } from '../../../../../src-main/engine/util/suggest';
import { CrucibleError } from '../../../../../src-main/engine/errors';

describe('column look-ups', () => {
  const table = new Map([
    ['band_gap_eV', { kind: 'number' as const, values: Float64Array.of(1, 2) }],
    ['is_metal', { kind: 'number' as const, values: Float64Array.of(0, 1) }],
  ]);

  it('suggests the nearest name for typos and case slips, and nothing for unrelated names', () => {
    expect(nearestName('band_gap_ev', [...table.keys()])).toBe('band_gap_eV');
    expect(nearestName('ismetal', [...table.keys()])).toBe('is_metal');
    expect(nearestName('temperature', [...table.keys()])).toBeUndefined();
    expect(suggestionHint('temperature', [...table.keys()], 'column')).toBe('Valid columns: "band_gap_eV", "is_metal".');
    expect(suggestionHint('x', [], 'task')).toBe('There are no tasks.');
  });

  it('finds columns in maps and records, and refuses a missing one with a hint', () => {
    expect(requireColumn(table, 'is_metal', 2, 'data column', {}).kind).toBe('number');
    expect(requireColumn(Object.fromEntries(table), 'is_metal', 2, 'data column', {}).kind).toBe('number');
    try {
      requireColumn(table, 'band_gap', 2, 'data column of task "gap"', { file: 'gaps.csv' });
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(CrucibleError);
      expect((e as CrucibleError).describe()).toBe(
        'gaps.csv: The data column of task "gap" is "band_gap", but the data has no column of that name. Did you mean "band_gap_eV"?',
      );
    }
    expect(() => requireColumn(table, 'is_metal', 3, 'data column', {})).toThrow(/has 2 rows where 3 were expected/);
  });

  it('numbers rows as a spreadsheet does unless told otherwise', () => {
    expect(rowNumberOf({}, 0)).toBe(2);
    expect(rowNumberOf({ rowNumbers: [5, 9] }, 1)).toBe(9);
  });
});
