/**
 * How a task's values are shown: the unit its column's name proposes (band_gap_eV → eV, the naming convention of the
 * shipped data sets; only a proposal, which the Tasks page asks the user to confirm or edit), and the decimals its
 * test error allows. Pure: the API contract exports it to the renderer, whose tables and charts show values with the
 * same digits as the CSV files `crucible predict` writes.
 */

/** Name endings and the unit each spells; case matters (`_K` is kelvin, `_k` is nothing). */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['_meV_atom', 'meV/atom'],
  ['_eV_atom', 'eV/atom'],
  ['_kJ_mol', 'kJ/mol'],
  ['_J_mol', 'J/mol'],
  ['_W_mK2', 'W/(m·K²)'],
  ['_W_mK', 'W/(m·K)'],
  ['_uV_K', 'µV/K'],
  ['_ppm_K', 'ppm/K'],
  ['_g_cm3', 'g/cm³'],
  ['_cm-1', 'cm⁻¹'],
  ['_cm_1', 'cm⁻¹'],
  ['_S_cm', 'S/cm'],
  ['_S_m', 'S/m'],
  ['_1_K', '1/K'],
  ['_muB', 'µB'],
  ['_meV', 'meV'],
  ['_GPa', 'GPa'],
  ['_MPa', 'MPa'],
  ['_THz', 'THz'],
  ['_nm', 'nm'],
  ['_eV', 'eV'],
  ['_A3', 'Å³'],
  ['_K', 'K'],
  ['_N', 'N'],
];

// Longest ending first: `thermal_expansion_1_K` also ends in `_K`, `seebeck_uV_K` too.
const BY_LENGTH = [...SUFFIXES].sort((a, b) => b[0].length - a[0].length);

/** The unit a column name ends in, or null when it names none. */
export function unitFromColumn(column: string | null | undefined): string | null {
  if (!column) return null;
  for (const [suffix, unit] of BY_LENGTH) if (column.endsWith(suffix) && column.length > suffix.length) return unit;
  return null;
}

/** Values are shown to this many significant digits when the task's error is unknown. */
export const SIGNIFICANT_DIGITS = 4;

/** The most decimals any value is shown with, whatever its error. */
const MAX_DECIMALS = 12;

/**
 * Decimals worth showing for a task whose test MAE is `mae`: one digit below the error's leading digit,
 * max(0, ceil(−log10 MAE) + 1) (MAE 0.49 eV → 2, 48 K → 0); null when the error is unknown (or 0), which means
 * {@link SIGNIFICANT_DIGITS} significant digits.
 */
export function shownDecimals(mae: number | null | undefined): number | null {
  if (mae === null || mae === undefined || !Number.isFinite(mae) || mae <= 0) return null;
  return Math.min(MAX_DECIMALS, Math.max(0, Math.ceil(-Math.log10(mae)) + 1));
}
