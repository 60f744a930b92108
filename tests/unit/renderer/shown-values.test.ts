/** Values as the screens show them: the decimals a task's test error allows, else 4 significant digits, and labels with units. */
import { describe, expect, it } from 'vitest';
import { shownDecimals } from '../../../src-main/api/contract';
import { showCell } from '../../../src-renderer/src/lib/cells';
import { shown, withUnit } from '../../../src-renderer/src/lib/format';
import { outputPath } from '../../../src-renderer/src/lib/state/Prediction.svelte';

describe('shown values', () => {
  it('keeps the decimals the test MAE allows, zeros included', () => {
    expect(shown(1.23456, shownDecimals(0.49))).toBe('1.23');
    expect(shown(2.5, shownDecimals(0.49))).toBe('2.50');
    expect(shown(87.64, shownDecimals(48.3))).toBe('88');
    expect(shown(-0.001, 2)).toBe('0.00');
    expect(shown(-0.25, 1)).toBe('-0.3');
  });

  it('gives 4 significant digits when the error is unknown, and a dash for no value', () => {
    expect(shown(1.234567)).toBe('1.235');
    expect(shown(0.0123456)).toBe('0.01235');
    expect(shown(null)).toBe('—');
    expect(shown(Number.NaN, 2)).toBe('—');
  });

  it('shows a task column with its decimals, and data as read otherwise', () => {
    expect(showCell(1.234567, 2)).toBe('1.23');
    expect(showCell([0.12345, 0.5, 1, 2], 3)).toBe('[4] 0.123, 0.500, 1.000, …');
    expect(showCell(1.234567)).toBe('1.23457');
  });

  it('names units beside labels, and nothing when none is stated', () => {
    expect(withUnit('measured band_gap', 'eV')).toBe('measured band_gap (eV)');
    expect(withUnit('thermal_expansion', '1/K')).toBe('thermal_expansion (1/K)');
    expect(withUnit('dos', null)).toBe('dos');
  });

  it('joins the output folder and name with the folder’s own separator', () => {
    expect(outputPath({ folder: '/data/lab', name: 'a.predictions.csv' })).toBe('/data/lab/a.predictions.csv');
    expect(outputPath({ folder: '/', name: 'a.csv' })).toBe('/a.csv');
    expect(outputPath({ folder: 'C:\\lab\\', name: 'a.csv' })).toBe('C:\\lab\\a.csv');
  });
});
