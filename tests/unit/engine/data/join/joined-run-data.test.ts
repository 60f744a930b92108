/**
 * Runs over several attribute tables: formulas spelled four ways are one material, an id column keeps
 * polymorphs apart, repeated rows are merged and reported (or refused), curves are averaged only on one grid,
 * and every material sits in one split for every task.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../../src-main/engine/data/load-run-data';
import { SPLIT_NAMES } from '../../../../../src-main/engine/data/dataset/types';
import { scratchDir } from '../../../../helpers/paths';

const scratch = scratchDir('crucible-join-');
afterAll(() => scratch.cleanup());

function write(name: string, text: string): string {
  const path = join(scratch.dir, name);
  writeFileSync(path, text.trim() + '\n');
  return path;
}

function config(sources: string, tasks: string, extra = ''): string {
  return `
seed_everything: 3
model:
  init_args:
    shared_block_dims: [auto, 8]
    task_configs:
${tasks}
data:
  init_args:
    attributes_source: ${sources}
    formula_column: formula
    featurizer: magpie
    val_split: 0.2
    test_split: 0.2
${extra}
`;
}

const load = (text: string) => loadRunData(parseConfigText(text, { baseDir: scratch.dir }));

const GAP = '      - { name: gap, type: REGRESSION, data_column: band_gap, dims: [8, 1] }';
const BULK = '      - { name: bulk, type: REGRESSION, data_column: bulk_modulus, dims: [8, 1] }';

describe('one run over several attribute tables', () => {
  write('electronic.csv', 'formula,band_gap\nFe2O3,2.1\nNaCl,8.5\nSiO2,9.0\nGaAs,1.4\nZnO,3.3\nCu,0\nAl2O3,8.8\nMgO,7.8\nTiO2,3.0\nCdS,2.4');
  write('elastic.csv', 'formula,bulk_modulus\nO3Fe2,200\nClNa,25\nSi1O2,37\nAsGa,75\nZnO,142\nFe,170\nW,310\nMg1O1,160\nO2Ti1,210\nCdS,62');
  write('fractional.csv', 'formula,bulk_modulus\nFe0.4O0.6,201\nFe4O6,199');

  it('joins differently spelled formulas into one row per material, each task masked where its table has no row', async () => {
    const { set, join: report, sources } = await load(config('[electronic.csv, elastic.csv]', `${GAP}\n${BULK}`));
    // 10 + 10 rows, 8 compositions shared (Fe2O3 = O3Fe2, NaCl = ClNa, SiO2 = Si1O2, …): 12 materials.
    expect(set.n).toBe(12);
    expect(report!.materials).toBe(12);
    expect(report!.sources.map((s) => [s.rows, s.keys, s.sharedKeys])).toEqual([
      [10, 10, 8],
      [10, 10, 8],
    ]);
    const row = (formula: string) => set.formulas.indexOf(formula);
    // The first table's spelling is kept; the key is the canonical formula.
    expect(set.formulas.slice(0, 3)).toEqual(['Fe2O3', 'NaCl', 'SiO2']);
    expect(set.ids[row('NaCl')]).toBe('ClNa');
    const [gap, bulk] = set.tasks;
    expect(bulk.valid[row('Fe2O3')]).toBe(1);
    expect(gap.valid[row('Cu')]).toBe(1);
    expect(bulk.valid[row('Cu')]).toBe(0);
    expect(set.formulas).toContain('W');
    expect(gap.valid[row('W')]).toBe(0);
    expect(sources.map((s) => s.rows)).toEqual([10, 10]);
  });

  it('merges rows of one material within a table and reports the conflict; refuses when asked', async () => {
    const both = '[electronic.csv, elastic.csv, fractional.csv]';
    // fractional.csv's two rows are both Fe2O3 (Fe0.4O0.6, Fe4O6) and elastic.csv names bulk_modulus too: qualified.
    const qualified = `      - { name: bulk, type: REGRESSION, data_column: fractional.bulk_modulus, dims: [8, 1] }`;
    const { set, join: report } = await load(config(both, `${GAP}\n${qualified}`));
    const frac = report!.sources[2];
    expect(frac).toMatchObject({ rows: 2, keys: 1, duplicateKeys: 1 });
    expect(frac.conflicts).toEqual([{ column: 'fractional.bulk_modulus', keys: 1, largestSpread: 2, differentGrids: 0, examples: [{ key: 'Fe2O3', rows: [2, 3] }] }]);
    const fe2o3 = set.formulas.indexOf('Fe2O3');
    expect(set.tasks[1].targets[fe2o3]).toBeCloseTo(200, 6);
    expect(set.report.warnings.some((w) => /fractional\.csv: 1 material\(s\) disagree on fractional\.bulk_modulus \(largest spread 2\); e\.g\. Fe2O3 on rows 2, 3/.test(w))).toBe(true);

    await expect(load(config(both, `${GAP}\n${qualified}`, '    duplicates: refuse'))).rejects.toThrow(/fractional\.csv: 1 material\(s\) have rows that disagree on "bulk_modulus" \(e\.g\. Fe2O3 on rows 2, 3\)/);
  });

  it('names both tables when a column name is ambiguous', async () => {
    await expect(load(config('[elastic.csv, fractional.csv]', BULK))).rejects.toThrow(/"bulk_modulus" is a column of "elastic" and "fractional"/);
  });

  it('keeps polymorphs apart with an id column, and in one split group', async () => {
    write('poly_a.csv', 'mp_id,formula,band_gap\nmp-1,TiO2,3.0\nmp-2,TiO2,3.2\nmp-3,ZnO,3.3\nmp-4,MgO,7.8\nmp-5,NaCl,8.5\nmp-6,GaAs,1.4');
    write('poly_b.csv', 'mp_id,formula,bulk_modulus\nmp-1,O2Ti,210\nmp-2,TiO2,180\nmp-3,OZn,142\nmp-7,W,310');
    const { set } = await load(config('[poly_a.csv, poly_b.csv]', `${GAP}\n${BULK}`, '    id_column: mp_id\n    join_on: id'));
    expect(set.ids).toEqual(['mp-1', 'mp-2', 'mp-3', 'mp-4', 'mp-5', 'mp-6', 'mp-7']);
    expect(set.tasks[1].targets[1]).toBe(180);
    // Both TiO2 polymorphs share a split: the group is the composition.
    expect(set.groups[0]).toBe(set.groups[1]);
    expect(set.split[0]).toBe(set.split[1]);
  });

  it('puts a material in one split for every task, taking the highest of disagreeing split labels', async () => {
    write('split_a.csv', 'formula,band_gap,split\nFe2O3,2.1,train\nNaCl,8.5,test\nSiO2,9.0,\nGaAs,1.4,val');
    write('split_b.csv', 'formula,bulk_modulus,split\nO3Fe2,200,test\nClNa,25,train\nOSi0.5,37,\nZnO,142,train');
    const { set, join: report } = await load(config('[split_a.csv, split_b.csv]', `${GAP}\n${BULK}`));
    const at = (f: string) => SPLIT_NAMES[set.split[set.formulas.indexOf(f)]];
    expect(at('Fe2O3')).toBe('test');
    expect(at('NaCl')).toBe('test');
    expect(at('GaAs')).toBe('val');
    expect(at('ZnO')).toBe('train');
    expect(report!.splitDisagreements).toBe(2);
    // SiO2 = OSi0.5 is one material (no label): wherever the random split puts it, both tasks see it there.
    expect(set.formulas.filter((f) => f === 'SiO2')).toHaveLength(1);
  });

  it('averages repeated curves on one grid and keeps the first where the grids differ', async () => {
    write('dos_a.csv', 'formula,dos,energy\nSi,"[1,2,3]","[0,1,2]"\nSi,"[3,4,5]","[0,1,2]"\nGe,"[1,1,1]","[0,1,2]"\nGe,"[9,9,9]","[0,2,4]"');
    write('gaps_c.csv', 'formula,band_gap\nSi,1.1\nGe,0.7\nC,5.5');
    const seq = '      - { name: dos, type: SEQUENCE, subtype: vec, data_column: dos, steps_column: energy }';
    const { set, join: report } = await load(config('[dos_a.csv, gaps_c.csv]', `${seq}\n${GAP}`));
    const dos = set.tasks[0];
    const si = set.formulas.indexOf('Si');
    const ge = set.formulas.indexOf('Ge');
    const curve = (r: number) => Array.from(dos.targets.subarray(r * 3, r * 3 + 3));
    expect(curve(si)).toEqual([2, 3, 4]);
    expect(curve(ge)).toEqual([1, 1, 1]);
    expect(report!.sources[0].conflicts[0]).toMatchObject({ column: 'dos_a.dos', keys: 2, differentGrids: 1 });
  });

  it('joins a descriptor file to the materials by the same key', async () => {
    write('descriptors.csv', 'formula,d1,d2\nFe4O6,1,2\nClNa,3,4\nSiO2,5,6\nAsGa,7,8\nOZn,9,10\nCu,11,12\nW,13,14');
    const text = config('[electronic.csv, elastic.csv]', `${GAP}\n${BULK}`)
      .replace('    featurizer: magpie\n', '    formula_desc_source: descriptors.csv\n');
    const { set } = await load(text);
    expect(set.featureNames).toEqual(['d1', 'd2']);
    // Materials without a descriptor row are dropped (and listed): the seven that have one remain.
    expect(set.n).toBe(7);
    const at = (formula: string) => Array.from(set.features.subarray(set.formulas.indexOf(formula) * 2, set.formulas.indexOf(formula) * 2 + 2));
    expect(at('Fe2O3')).toEqual([1, 2]);
    expect(at('NaCl')).toEqual([3, 4]);
    expect(at('W')).toEqual([13, 14]);
  });
});
