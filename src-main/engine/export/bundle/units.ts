/** Units read from a data column's name (band_gap_eV → eV), the convention of the shipped data sets. */

/** Name endings and the unit each spells; case matters (`_K` is kelvin, `_k` is nothing). */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['_meV_atom', 'meV/atom'],
  ['_eV_atom', 'eV/atom'],
  ['_W_mK2', 'W/(m·K²)'],
  ['_W_mK', 'W/(m·K)'],
  ['_uV_K', 'µV/K'],
  ['_g_cm3', 'g/cm³'],
  ['_cm-1', 'cm⁻¹'],
  ['_S_m', 'S/m'],
  ['_muB', 'µB'],
  ['_meV', 'meV'],
  ['_GPa', 'GPa'],
  ['_MPa', 'MPa'],
  ['_THz', 'THz'],
  ['_eV', 'eV'],
  ['_K', 'K'],
  ['_N', 'N'],
  ['_A3', 'Å³'],
];

/** The unit a column name ends in, or null when it names none. */
export function unitFromColumn(column: string | null): string | null {
  if (!column) return null;
  for (const [suffix, unit] of SUFFIXES) if (column.endsWith(suffix) && column.length > suffix.length) return unit;
  return null;
}
