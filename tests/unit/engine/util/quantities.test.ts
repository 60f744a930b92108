/** Units proposed from column names (the longest ending wins, so a per-kelvin column is never read as kelvin), and the decimals a test error allows. */
import { describe, expect, it } from 'vitest';
import { shownDecimals, unitFromColumn } from '../../../../src-main/engine/util/quantities';

describe('units from column names', () => {
  it.each([
    ['band_gap_eV', 'eV'],
    ['e_above_hull_eV_atom', 'eV/atom'],
    ['formation_energy_meV_atom', 'meV/atom'],
    ['bulk_modulus_GPa', 'GPa'],
    ['yield_strength_MPa', 'MPa'],
    ['seebeck_uV_K', 'µV/K'],
    ['thermal_conductivity_W_mK', 'W/(m·K)'],
    ['power_factor_W_mK2', 'W/(m·K²)'],
    ['electrical_conductivity_S_m', 'S/m'],
    ['last_phdos_peak_cm-1', 'cm⁻¹'],
    ['magnetic_moment_muB', 'µB'],
    ['volume_per_atom_A3', 'Å³'],
    ['density_g_cm3', 'g/cm³'],
    ['temperature_K', 'K'],
    ['debye_temperature_K', 'K'],
    ['load_N', 'N'],
    ['is_metal', null],
    ['ZT', null],
    ['dos', null],
    ['_eV', null],
    ['gap_ev', null],
  ])('%s → %s', (column, unit) => {
    expect(unitFromColumn(column)).toBe(unit);
  });

  it('reads a per-kelvin column as 1/K, not K, whatever temperature its name also holds', () => {
    expect(unitFromColumn('thermal_expansion_300K_1_K')).toBe('1/K');
    expect(unitFromColumn('thermal_expansion_1_K')).toBe('1/K');
    expect(unitFromColumn('linear_expansion_ppm_K')).toBe('ppm/K');
  });

  it('proposes nothing without a column', () => {
    expect(unitFromColumn(null)).toBeNull();
    expect(unitFromColumn(undefined)).toBeNull();
    expect(unitFromColumn('')).toBeNull();
  });
});

describe('decimals from the test error', () => {
  it.each([
    [0.49, 2],
    [0.05, 3],
    [0.1, 2],
    [1, 1],
    [48.3, 0],
    [2500, 0],
    [1e-20, 12],
  ])('MAE %d → %d decimals', (mae, decimals) => {
    expect(shownDecimals(mae)).toBe(decimals);
  });

  it('leaves an unknown or zero error to significant digits', () => {
    for (const mae of [null, undefined, 0, Number.NaN, Number.POSITIVE_INFINITY, -1]) expect(shownDecimals(mae)).toBeNull();
  });
});
