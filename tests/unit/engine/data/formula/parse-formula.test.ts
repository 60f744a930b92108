import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { parseFormula, type Composition } from '../../../../../src-main/engine/data/formula/parse-formula';
import { ELEMENT_SYMBOLS } from '../../../../../src-main/engine/data/formula/periodic-table';
import { dataSet } from '../../../../helpers/paths';
import { dataFormulaColumns, type FormulaColumn } from './data-formulas';

/** [symbol, amount] pairs in the composition's order. */
function pairs(c: Composition): [string, number][] {
  return c.elements.map((z, i) => [ELEMENT_SYMBOLS[z], c.amounts[i]]);
}

function expectPairs(formula: string, expected: [string, number][]): void {
  const got = pairs(parseFormula(formula));
  expect(got.map(([s]) => s)).toEqual(expected.map(([s]) => s));
  got.forEach(([, a], i) => expect(a).toBeCloseTo(expected[i][1], 12));
}

function parseError(formula: string): CrucibleError {
  try {
    parseFormula(formula);
  } catch (e) {
    expect(e).toBeInstanceOf(CrucibleError);
    expect((e as CrucibleError).code).toBe('bad-input');
    expect((e as CrucibleError).message).toContain(`"${formula}"`);
    return e as CrucibleError;
  }
  throw new Error(`"${formula}" parsed but should not have`);
}

describe('parseFormula: notation', () => {
  it('reads plain, explicit-1 and decimal formulas', () => {
    expectPairs('Fe2O3', [['Fe', 2], ['O', 3]]);
    expectPairs('Ba1Te1', [['Ba', 1], ['Te', 1]]);
    expectPairs('Fe3.0O2.0', [['Fe', 3], ['O', 2]]);
    expectPairs('NaCl', [['Na', 1], ['Cl', 1]]);
    expectPairs('CO', [['C', 1], ['O', 1]]);
    expectPairs('Co', [['Co', 1]]);
    expectPairs('H10000', [['H', 10000]]);
  });

  it('reads real decimal compositions exactly as Number() does', () => {
    const steel =
      'Fe0.620C0.000953Mn0.000521Si0.00102Cr0.000110Ni0.192Mo0.0176V0.000112Nb0.0000616Co0.146Al0.00318Ti0.0185';
    const c = parseFormula(steel);
    const expected = [...steel.matchAll(/([A-Z][a-z]?)([\d.]+)/g)].map((m) => [m[1], Number(m[2])]);
    expect(pairs(c)).toEqual(expected);
  });

  it('multiplies through nested (), [] and {} groups', () => {
    expectPairs('(Ag0.05Sb0.05Sn0.9)(S0.05Se0.05Te0.9)', [
      ['Ag', 0.05], ['Sb', 0.05], ['Sn', 0.9], ['S', 0.05], ['Se', 0.05], ['Te', 0.9],
    ]);
    expectPairs('BiSb(Se0.92Br0.08)3', [['Bi', 1], ['Sb', 1], ['Se', 2.76], ['Br', 0.24]]);
    expectPairs('Ca3(PO4)2', [['Ca', 3], ['P', 2], ['O', 8]]);
    expectPairs('K4[Fe(CN)6]', [['K', 4], ['Fe', 1], ['C', 6], ['N', 6]]);
    expectPairs('{[(H2O)2]3}0.5', [['H', 6], ['O', 3]]);
    expectPairs('Ag(W3Br7)2', [['Ag', 1], ['W', 6], ['Br', 14]]);
  });

  it('merges repeated elements in first-seen order', () => {
    expectPairs('CH3CH2OH', [['C', 2], ['H', 6], ['O', 1]]);
    expectPairs('OFeO2', [['O', 3], ['Fe', 1]]);
  });

  it('reads hydrates and adducts with ·, •, ⋅, ∙, * and an unambiguous .', () => {
    const hydrate: [string, number][] = [['Cu', 1], ['S', 1], ['O', 9], ['H', 10]];
    for (const f of ['CuSO4·5H2O', 'CuSO4•5H2O', 'CuSO4⋅5H2O', 'CuSO4∙5H2O', 'CuSO4*5H2O', 'CuSO4 · 5H2O', ' CuSO4*5H2O\t']) {
      expectPairs(f, hydrate);
    }
    expectPairs('CuSO4.H2O', [['Cu', 1], ['S', 1], ['O', 5], ['H', 2]]);
    expectPairs('Na2SO4.(H2O)10', [['Na', 2], ['S', 1], ['O', 14], ['H', 20]]);
    expectPairs('MoO3·0.5H2O', [['Mo', 1], ['O', 3.5], ['H', 1]]);
    expectPairs('Fe2.O3', [['Fe', 2], ['O', 3]]);
  });

  it('treats a decimal amount followed by H2O in brackets as an amount', () => {
    expectPairs('CuSO4.5(H2O)', [['Cu', 1], ['S', 1], ['O', 5.5], ['H', 2]]);
    expectPairs('Fe0.5H2O3', [['Fe', 0.5], ['H', 2], ['O', 3]]);
  });

  it('ignores surrounding whitespace', () => {
    expectPairs('  \tNaCl \r\n', [['Na', 1], ['Cl', 1]]);
  });
});

describe('parseFormula: errors quote the formula and the position', () => {
  const cases: [string, RegExp][] = [
    ['Xx2O', /"Xx" at position 1 is not an element symbol/],
    ['Fe2Q3', /"Q" at position 4 is not an element symbol/],
    ['', /the formula is empty/],
    ['   ', /the formula is empty/],
    ['(Fe2O3', /"\(" at position 1 is never closed/],
    ['Fe2(O3', /"\(" at position 4 is never closed/],
    ['Fe2O3)', /"\)" at position 6 has no matching opening bracket/],
    ['Fe(O]3', /"\]" at position 5 does not close "\(" at position 3/],
    ['Fe()2', /the brackets at position 3 are empty/],
    ['Fe0O3', /the amount 0 at position 3 is zero/],
    ['Fe0.000O3', /the amount 0.000 at position 3 is zero/],
    ['(FeO)0', /the amount 0 at position 6 is zero/],
    ['Fe-2O3', /"-" at position 3: amounts cannot be negative/],
    ['Fe2O3abc', /"a" at position 6 is lower-case/],
    ['fe2O3', /"f" at position 1 is lower-case/],
    ['Fe2O3#', /unexpected character "#" at position 6/],
    ['Fe2O3 x', /unexpected space at position 6/],
    ['Fe2 O3', /unexpected space at position 4/],
    ['Fe1e-3', /"e" at position 4 is lower-case/],
    ['CuSO4.5H2O', /"4.5H2O" at position 5 is ambiguous/],
    ['Zn(OH)2.5H2O', /"2.5H2O" at position 7 is ambiguous/],
    ['CaSO4.0.5H2O', /"\." at position 8 is neither a decimal point/],
    ['Fe.5Ni.5', /"\." at position 3 is neither a decimal point/],
    ['CuSO4·', /nothing follows the separator "·" at position 6/],
    ['Fe2O3.', /nothing follows the separator "\." at position 6/],
    ['·H2O', /expected an element symbol before "·" at position 1/],
    ['CuSO4··H2O', /expected an element symbol before "·" at position 7/],
    ['5', /the formula ends at position 1 before any element symbol/],
    ['(CuSO4·5H2O)', /"\(" at position 1 is never closed/],
  ];
  it.each(cases)('%s', (formula, message) => {
    const e = parseError(formula);
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
  });

  it('suggests the unambiguous spellings for a hydrate look-alike', () => {
    expect(parseError('CuSO4.5H2O').hint).toContain('CuSO4·5H2O');
    expect(parseError('CuSO4.5H2O').hint).toContain('CuSO4.5(H2O)');
  });

  it('counts positions in the text as given, leading spaces included', () => {
    expect(parseError('  Xx').message).toContain('position 3');
  });

  it('recovers after an error (the scanner holds no state between formulas)', () => {
    parseError('(Fe(Xx');
    expectPairs('Fe2O3', [['Fe', 2], ['O', 3]]);
  });
});

/** Formulas in the shared data sets that are expected not to parse, with the expected message: none. */
const KNOWN_UNPARSEABLE: { file: string; formula: string; error: RegExp }[] = [];

describe('parseFormula on every formula column of the shared data sets', () => {
  let columns: FormulaColumn[];
  beforeAll(async () => {
    columns = await dataFormulaColumns();
  });

  it('finds the formula columns of all data sets', () => {
    const found = columns.map((c) => `${c.file}:${c.column}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'estm_thermoelectric/estm_curves.csv:formula',
        'estm_thermoelectric/estm_long.csv:formula',
        'matbench_expt_gap/expt_gap.csv:formula',
        'matbench_glass/glass.csv:formula',
        'matbench_phonons/phonons.csv:formula',
        'matbench_steels_yield/steels_yield.csv:formula',
        'mp_multiproperty/mp_multiproperty.csv:formula',
        'mp_phonon_dos/mp_phonon_dos.csv:formula',
        'mp_phonon_dos/mp_phonon_dos.csv:formula_cell',
        'vickers_hardness_load/hv_comp_load_curves.csv:formula',
      ]),
    );
    expect(columns.reduce((n, c) => n + c.formulas.length, 0)).toBeGreaterThan(88_000);
  });

  it('parses every formula, with positive finite amounts', () => {
    const failures: { file: string; formula: string; message: string }[] = [];
    for (const { file, formulas } of columns) {
      for (const formula of formulas) {
        try {
          const c = parseFormula(formula);
          if (c.elements.length === 0 || !c.amounts.every((a) => a > 0 && Number.isFinite(a))) {
            failures.push({ file, formula, message: 'bad amounts' });
          }
        } catch (e) {
          failures.push({ file, formula, message: (e as Error).message });
        }
      }
    }
    expect(failures.length).toBe(KNOWN_UNPARSEABLE.length);
    for (const known of KNOWN_UNPARSEABLE) {
      expect(failures.find((f) => f.file === known.file && f.formula === known.formula)?.message).toMatch(known.error);
    }
  });

  it('agrees with the element lists stored in mp_phonon_dos', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const read = await connection.runAndReadAll(
      `SELECT formula, formula_cell, elements, n_elements, n_sites FROM read_csv('${dataSet('mp_phonon_dos', 'mp_phonon_dos.csv')}', header = true)`,
    );
    const rows = read.getRowObjectsJS() as { formula: string; formula_cell: string; elements: string; n_elements: bigint; n_sites: bigint }[];
    connection.closeSync();
    instance.closeSync();
    expect(rows.length).toBe(1602);
    for (const row of rows) {
      const symbols = parseFormula(row.formula).elements.map((z) => ELEMENT_SYMBOLS[z]);
      expect(symbols.sort()).toEqual((JSON.parse(row.elements) as string[]).sort());
      expect(symbols.length).toBe(Number(row.n_elements));
      const cell = parseFormula(row.formula_cell);
      expect(cell.amounts.reduce((s, a) => s + a, 0)).toBe(Number(row.n_sites));
    }
  });
});
