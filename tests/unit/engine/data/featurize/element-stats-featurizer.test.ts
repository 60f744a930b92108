import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { featurizeFormulas, getFeaturizer } from '../../../../../src-main/engine/data/featurize';
import { elementTablesDir, loadElementTable } from '../../../../../src-main/engine/data/featurize/element-table';
import { atomicNumber } from '../../../../../src-main/engine/data/formula/periodic-table';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { join } from 'node:path';
import { dataFormulas } from '../formula/data-formulas';

type Row = Record<string, number | null>;

/** The shipped magpie table read independently of the featurizer, through DuckDB, plus each property's median. */
async function readMagpie(): Promise<{ rows: Map<string, Row>; medians: Row }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const source = `read_csv('${join(elementTablesDir(), 'magpie_elementdata_matminer.csv')}', header = true)`;
  const all = (await connection.runAndReadAll(`SELECT * FROM ${source}`)).getRowObjectsJS() as Record<string, unknown>[];
  const names = Object.keys(all[0]).filter((k) => k !== 'element');
  const medianSql = names.map((n) => `median("${n}")::DOUBLE AS "${n}"`).join(', ');
  const medians = (await connection.runAndReadAll(`SELECT ${medianSql} FROM ${source}`)).getRowObjectsJS()[0] as Row;
  connection.closeSync();
  instance.closeSync();
  return { rows: new Map(all.map((r) => [r.element as string, r as Row])), medians };
}

/** Magpie statistics written out from their definitions, over [symbol, amount] pairs. */
function expectedStats(table: { rows: Map<string, Row>; medians: Row }, composition: [string, number][], property: string) {
  const total = composition.reduce((s, [, a]) => s + a, 0);
  const f = composition.map(([, a]) => a / total);
  const v = composition.map(([el]) => table.rows.get(el)![property] ?? table.medians[property]!);
  const mean = f.reduce((s, fi, i) => s + fi * v[i], 0);
  const mad = f.reduce((s, fi, i) => s + fi * Math.abs(v[i] - mean), 0);
  const min = Math.min(...v);
  const max = Math.max(...v);
  return { mean, mad, min, max, range: max - min };
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
}

/** The features of one formula as name → value. */
function featuresOf(formula: string, id = 'magpie'): Map<string, number> {
  const { featurizer, values, failures } = featurizeFormulas([formula], id);
  expect(failures).toEqual([]);
  return new Map(featurizer.featureNames.map((n, i) => [n, values[i]]));
}

const STEEL = 'Fe0.620C0.000953Mn0.000521Si0.00102Cr0.000110Ni0.192Mo0.0176V0.000112Nb0.0000616Co0.146Al0.00318Ti0.0185';

describe('magpie featurizer', () => {
  let table: Awaited<ReturnType<typeof readMagpie>>;
  beforeAll(async () => {
    table = await readMagpie();
  });

  it('has stable, unique feature names: stoichiometry, then 5 statistics per property', () => {
    const names = getFeaturizer('magpie').featureNames;
    expect(names.length).toBe(6 + 63 * 5);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 11)).toEqual([
      'magpie:stoich:n_elements', 'magpie:stoich:norm_2', 'magpie:stoich:norm_3', 'magpie:stoich:norm_5',
      'magpie:stoich:norm_7', 'magpie:stoich:norm_10',
      'magpie:mean:AllenElectronegativity', 'magpie:mad:AllenElectronegativity', 'magpie:min:AllenElectronegativity',
      'magpie:max:AllenElectronegativity', 'magpie:range:AllenElectronegativity',
    ]);
    expect(names).toContain('magpie:mean:MeltingT');
    expect(names.at(-1)).toBe('magpie:range:phi');
  });

  it('computes NaCl by hand', () => {
    const x = featuresOf('NaCl');
    // MeltingT: Na 370.87 K, Cl 171.6 K, half each.
    expectClose(x.get('magpie:mean:MeltingT')!, 271.235);
    expectClose(x.get('magpie:mad:MeltingT')!, 99.635);
    expectClose(x.get('magpie:min:MeltingT')!, 171.6);
    expectClose(x.get('magpie:max:MeltingT')!, 370.87);
    expectClose(x.get('magpie:range:MeltingT')!, 199.27);
    expect(x.get('magpie:stoich:n_elements')).toBe(2);
    for (const p of [2, 3, 5, 7, 10]) expectClose(x.get(`magpie:stoich:norm_${p}`)!, 2 ** (1 / p - 1));
  });

  it('computes Fe2O3 by hand, with the missing BulkModulus of O imputed by the median (45 GPa)', () => {
    const x = featuresOf('Fe2O3');
    // Fractions 0.4 and 0.6; MeltingT Fe 1811 K, O 54.8 K; mad = 2·0.4·0.6·|ΔT|.
    expectClose(x.get('magpie:mean:MeltingT')!, 757.28);
    expectClose(x.get('magpie:mad:MeltingT')!, 842.976);
    expectClose(x.get('magpie:range:MeltingT')!, 1756.2);
    expect(table.rows.get('O')!.BulkModulus).toBeNull();
    expect(table.medians.BulkModulus).toBe(45);
    expectClose(x.get('magpie:mean:BulkModulus')!, 95);
    expectClose(x.get('magpie:mad:BulkModulus')!, 60);
    expectClose(x.get('magpie:min:BulkModulus')!, 45);
    expectClose(x.get('magpie:max:BulkModulus')!, 170);
    expectClose(x.get('magpie:stoich:norm_2')!, Math.sqrt(0.4 ** 2 + 0.6 ** 2));
  });

  it.each([
    ['NaCl', [['Na', 1], ['Cl', 1]]],
    ['Fe2O3', [['Fe', 2], ['O', 3]]],
    [STEEL, [...STEEL.matchAll(/([A-Z][a-z]?)([\d.]+)/g)].map((m) => [m[1], Number(m[2])])],
    ['CuSO4·5H2O', [['Cu', 1], ['S', 1], ['O', 9], ['H', 10]]],
  ] as [string, [string, number][]][])('matches the definitions on every property for %s', (formula, composition) => {
    const x = featuresOf(formula);
    for (const property of loadElementTable('magpie_elementdata_matminer.csv').propertyNames) {
      const e = expectedStats(table, composition, property);
      expectClose(x.get(`magpie:mean:${property}`)!, e.mean);
      expectClose(x.get(`magpie:mad:${property}`)!, e.mad);
      expectClose(x.get(`magpie:min:${property}`)!, e.min);
      expectClose(x.get(`magpie:max:${property}`)!, e.max);
      expectClose(x.get(`magpie:range:${property}`)!, e.range);
    }
    const total = composition.reduce((s, [, a]) => s + a, 0);
    for (const p of [2, 3, 5, 7, 10]) {
      expectClose(x.get(`magpie:stoich:norm_${p}`)!, composition.reduce((s, [, a]) => s + (a / total) ** p, 0) ** (1 / p));
    }
    expect(x.get('magpie:stoich:n_elements')).toBe(composition.length);
  });

  it('records the imputation in `imputed` and the description', () => {
    const f = getFeaturizer('magpie');
    const bulk = f.imputed.find((p) => p.property === 'BulkModulus')!;
    expect(bulk.median).toBe(45);
    expect(bulk.elements).toContain('O');
    expect(bulk.elements).not.toContain('Fe');
    expect(f.imputed.length).toBe(36);
    expect(f.imputed.every((p) => p.median === table.medians[p.property])).toBe(true);
    expect(f.description).toMatch(/filled with that property's median over the elements that have it/);
    expect(f.description).toContain(f.tableSha256);
    // Featurizing never reads a NaN: every covered element has every value after imputation.
    const { values, failures } = featurizeFormulas(['NpO2', 'CnF2', 'HeNe'], 'magpie');
    expect(failures).toEqual([]);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('featurizes every formula of the data sets in data/, all values finite', async () => {
    const formulas = await dataFormulas();
    const { values, failures } = featurizeFormulas(formulas, 'magpie');
    expect(failures).toEqual([]);
    expect(values.every(Number.isFinite)).toBe(true);
  });
});

describe('elements a table lacks', () => {
  it('fail the formula, naming the element and the table', () => {
    const { values, failures, featurizer } = featurizeFormulas(['PuO2', 'Fe2O3'], 'oliynyk');
    expect(failures).toEqual([
      {
        index: 0,
        reason: 'Cannot featurize "PuO2" with "oliynyk": element Pu is not in its table crabnet_oliynyk.csv (85 elements).',
        hint: expect.any(String),
      },
    ]);
    const d = featurizer.featureNames.length;
    expect(values.subarray(0, d).every(Number.isNaN)).toBe(true);
    expect(values.subarray(d).every(Number.isFinite)).toBe(true);
    expect(featurizeFormulas(['NhF3'], 'magpie').failures[0].reason).toMatch(/element Nh is not in its table magpie_elementdata_matminer.csv/);
    expect(featurizeFormulas(['PuO2', 'NhF3'], 'mat2vec').failures).toEqual([]);
  });

  it('are the only failures on the shared data sets with the smaller tables', async () => {
    const formulas = await dataFormulas();
    // The data sets hold actinides the Oliynyk table lacks; the other tables cover every element in them.
    const expectedMissing: Record<string, string[]> = { oliynyk: ['Ac', 'Np', 'Pa', 'Pu'], crabnet_magpie: [], mat2vec: [] };
    for (const [id, missing] of Object.entries(expectedMissing)) {
      const f = getFeaturizer(id);
      const table = loadElementTable(f.tableFile);
      const chunk = 4096;
      const out = new Float32Array(chunk * f.featureNames.length);
      const failedElements = new Set<string>();
      for (let start = 0; start < formulas.length; start += chunk) {
        const slice = formulas.slice(start, start + chunk);
        const failedRows = new Set<number>();
        for (const { index, reason } of f.featurizeInto(slice, out)) {
          const symbol = /element (\w+) is not in its table/.exec(reason)?.[1];
          expect(symbol && table.present[atomicNumber(symbol)]).toBe(0);
          failedRows.add(index);
          failedElements.add(symbol!);
        }
        for (let row = 0; row < slice.length; row++) {
          const values = out.subarray(row * f.featureNames.length, (row + 1) * f.featureNames.length);
          expect(values.every(failedRows.has(row) ? Number.isNaN : Number.isFinite)).toBe(true);
        }
      }
      expect([...failedElements].sort()).toEqual(missing);
    }
  });
});

describe('featurizeInto (batch API)', () => {
  const batch = ['NaCl', 'Xx2O', '', null, 'Fe2O3', 'Fe2O3)', undefined, 'CuSO4.5H2O', 'Ba1Te1'];

  it('reports failing rows by index and reason, blanks them with NaN, and carries on', () => {
    const f = getFeaturizer('magpie');
    const d = f.featureNames.length;
    const out = new Float32Array(batch.length * d).fill(123);
    const failures = f.featurizeInto(batch, out);
    expect(failures.map((x) => x.index)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(failures[0].reason).toBe('Cannot read the formula "Xx2O": "Xx" at position 1 is not an element symbol.');
    expect(failures[1].reason).toMatch(/the formula is empty/);
    expect(failures[3].reason).toMatch(/"\)" at position 6 has no matching opening bracket/);
    expect(failures[5].reason).toMatch(/ambiguous/);
    expect(failures.every((x) => x.hint)).toBe(true);
    for (let row = 0; row < batch.length; row++) {
      const values = out.subarray(row * d, (row + 1) * d);
      const failed = failures.some((x) => x.index === row);
      expect(values.every(failed ? Number.isNaN : Number.isFinite)).toBe(true);
    }
    // A good row is the same whether featurized alone or in a batch with failures.
    expect(Array.from(out.subarray(4 * d, 5 * d))).toEqual(Array.from(featurizeFormulas(['Fe2O3']).values));
    expect(Array.from(out.subarray(8 * d, 9 * d))).toEqual(Array.from(featurizeFormulas(['BaTe']).values));
  });

  it('refuses a buffer too small for the batch', () => {
    const f = getFeaturizer('magpie');
    expect(() => f.featurizeInto(['NaCl', 'KCl'], new Float32Array(f.featureNames.length))).toThrow(CrucibleError);
  });
});
