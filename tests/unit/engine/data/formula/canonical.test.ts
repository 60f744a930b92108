import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalFormula, formulaKey } from '../../../../../src-main/engine/data/formula/canonical';
import { parseFormula } from '../../../../../src-main/engine/data/formula/parse-formula';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { dataFormulaColumns, type FormulaColumn } from './data-formulas';

describe('canonicalFormula', () => {
  it.each([
    [['Fe2O3', 'O3Fe2', 'Fe0.5O0.75', 'Fe4O6', 'Fe2.0O3.0', 'Fe1O1.5', '(FeO1.5)2', 'FeO1.4999999999'], 'Fe2O3'],
    [['FeO2', 'Fe2O4', 'Fe0.25O0.5', 'Fe0.3333333O0.6666667'], 'FeO2'],
    [['Fe3O2', 'Fe3.0O2.0'], 'Fe3O2'],
    [['BaTe', 'Ba1Te1', 'TeBa', 'Ba2Te2'], 'BaTe'],
    [['NaCl', 'ClNa', 'Na0.5Cl0.5'], 'ClNa'],
    [['CuSO4·5H2O', 'CuSO4*5H2O', 'CuSO4 • 5H2O', 'CuS(H2O)5O4', 'H10CuO9S'], 'CuH10O9S'],
    [['CH3CH2OH', 'C2H6O', 'OC2H6', 'HOC2H5'], 'C2H6O'],
    [['K4[Fe(CN)6]', 'C6N6FeK4'], 'C6FeK4N6'],
    [['(Ag0.05Sb0.05Sn0.9)(S0.05Se0.05Te0.9)', 'AgSbSn18SSeTe18'], 'AgSSbSeSn18Te18'],
    [['BiSb(Se0.92Br0.08)3', 'Bi25Sb25Se69Br6'], 'Bi25Br6Sb25Se69'],
    [['Fe', 'Fe2', 'Fe0.37'], 'Fe'],
    [['Fe0.999C0.001', 'CFe999'], 'CFe999'],
  ])('%j → %s', (formulas, key) => {
    for (const f of formulas) expect(canonicalFormula(parseFormula(f))).toBe(key);
  });

  it('writes relative amounts with 6 significant digits when no integer formula fits', () => {
    expect(formulaKey('Fe0.333O0.667')).toBe('Fe0.49925O');
    expect(formulaKey('Fe0.620C0.000953Mn0.000521Ni0.192')).toBe('C0.0015371FeMn0.000840323Ni0.309677');
    expect(formulaKey('Ni0.192C0.000953Fe0.620Mn0.000521')).toBe('C0.0015371FeMn0.000840323Ni0.309677');
    expect(formulaKey('Fe62C0.0953Mn0.0521Ni19.2')).toBe('C0.0015371FeMn0.000840323Ni0.309677');
    // A decimal tie at the 6th digit (Co/Fe = 0.0001234375) rounds up however float noise falls.
    expect(formulaKey('Fe0.768Co0.0000948')).toBe('Co0.000123438Fe');
    expect(formulaKey('Fe2.8416Co0.00035076')).toBe('Co0.000123438Fe');
    // Integer counts stop at 1000; tiny amounts stay in fixed-point notation, so the key parses.
    expect(formulaKey('FeC0.0000001234567')).toBe('C0.000000123457Fe');
  });

  it('keeps apart compositions that differ beyond the tolerance', () => {
    expect(formulaKey('Fe2O3')).not.toBe(formulaKey('Fe2O3.001'));
    expect(formulaKey('FeO2')).not.toBe(formulaKey('Fe0.333O0.667'));
  });

  it('refuses an empty composition', () => {
    expect(() => canonicalFormula({ elements: [], amounts: [] })).toThrow(CrucibleError);
  });
});

describe('formulaKey', () => {
  it('caches keys by text and re-throws parse errors each time', () => {
    expect(formulaKey('Fe2O3')).toBe(formulaKey('Fe2O3'));
    expect(() => formulaKey('Xx2O')).toThrow(/"Xx" at position 1 is not an element symbol/);
    expect(() => formulaKey('Xx2O')).toThrow(CrucibleError);
  });
});

describe('canonical keys on the shared data sets', () => {
  let columns: FormulaColumn[];
  let distinct: string[];
  beforeAll(async () => {
    columns = await dataFormulaColumns();
    distinct = [...new Set(columns.flatMap((c) => c.formulas))];
  });

  it('are fixed points: a key parses back to itself', () => {
    const moved = distinct.filter((f) => formulaKey(formulaKey(f)) !== formulaKey(f));
    expect(moved).toEqual([]);
  });

  it('do not depend on element order or scale', () => {
    const changed = distinct.filter((f) => {
      const c = parseFormula(f);
      const shuffled = { elements: [...c.elements].reverse(), amounts: c.amounts.map((a) => a * 3.7).reverse() };
      return canonicalFormula(shuffled) !== formulaKey(f);
    });
    expect(changed).toEqual([]);
  });

  it('match between the reduced and the cell formulas of mp_phonon_dos', () => {
    const byColumn = (name: string) => columns.find((c) => c.file.startsWith('mp_phonon_dos') && c.column === name)!.formulas;
    const reduced = byColumn('formula');
    const cell = byColumn('formula_cell');
    expect(reduced.length).toBe(1602);
    expect(cell.map(formulaKey)).toEqual(reduced.map(formulaKey));
  });

  it('group the polymorph duplicates of matbench_phonons written with explicit 1s', () => {
    const phonons = columns.find((c) => c.file === 'matbench_phonons/phonons.csv')!.formulas;
    expect(phonons).toContain('Ba1Te1');
    expect(formulaKey('Ba1Te1')).toBe(formulaKey('BaTe'));
    // The README counts 42 duplicate formulas (polymorphs); keys find at least those.
    expect(phonons.length - new Set(phonons.map(formulaKey)).size).toBeGreaterThanOrEqual(42);
  });
});
