/** Member names that could escape the folder a bundle is unpacked into, and units read from column names. */
import { describe, expect, it } from 'vitest';
import { memberNameProblem } from '../../../../../src-main/engine/export/bundle/members';
import { unitFromColumn } from '../../../../../src-main/engine/export/bundle/units';

describe('bundle member names', () => {
  it('accepts plain relative paths', () => {
    for (const name of ['model.onnx', 'weights/model.ckpt', 'training/config.yaml', 'a-b_c.d/e']) expect(memberNameProblem(name), name).toBeNull();
  });

  it.each([
    ['', 'is empty'],
    ['../x', 'climbs out of the bundle with ".."'],
    ['a/../../x', 'climbs out of the bundle with ".."'],
    ['/abs', 'is an absolute path'],
    ['C:x', 'starts with a drive letter'],
    ['a\\b', 'contains a backslash'],
    ['a//b', 'has an empty or "." path segment'],
    ['./a', 'has an empty or "." path segment'],
    ['a\u0000b', 'contains control characters'],
    ['x'.repeat(201), 'is longer than 200 characters'],
  ])('refuses %j', (name, problem) => {
    expect(memberNameProblem(name)).toBe(problem);
  });
});

describe('units from column names', () => {
  it.each([
    ['band_gap_eV', 'eV'],
    ['e_above_hull_eV_atom', 'eV/atom'],
    ['bulk_modulus_GPa', 'GPa'],
    ['yield_strength_MPa', 'MPa'],
    ['seebeck_uV_K', 'µV/K'],
    ['thermal_conductivity_W_mK', 'W/(m·K)'],
    ['last_phdos_peak_cm-1', 'cm⁻¹'],
    ['magnetic_moment_muB', 'µB'],
    ['temperature_K', 'K'],
    ['is_metal', null],
    ['ZT', null],
    ['dos', null],
    ['_eV', null],
  ])('%s → %s', (column, unit) => {
    expect(unitFromColumn(column)).toBe(unit);
  });
});
