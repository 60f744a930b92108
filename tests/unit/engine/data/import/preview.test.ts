import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewFile, parseLongSpec } from '../../../../../src-main/engine/data/import';
import { scratchDir, dataSet } from '../../../../helpers/paths';
import { numericCsv, writeFile } from './helpers';

describe('file preview', () => {
  let scratch: ReturnType<typeof scratchDir>;
  beforeAll(() => {
    scratch = scratchDir();
  });
  afterAll(() => scratch.cleanup());

  it('shows the first rows, detected types (lists included) and missing counts of a real file', async () => {
    const p = await previewFile(dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'), { rows: 3 });
    expect(p).toMatchObject({ name: 'mp_phonon_dos.csv', format: 'csv', rowCount: 1602, formulaColumn: 'formula', role: 'samples' });
    expect(p.columns.map((c) => `${c.name}:${c.type}:${c.kind}:${c.missing}`)).toEqual([
      'row_id:BIGINT:number:0',
      'source:VARCHAR:text:0',
      'formula:VARCHAR:text:0',
      'formula_cell:VARCHAR:text:0',
      'elements:VARCHAR:text:0',
      'n_elements:BIGINT:number:0',
      'n_sites:BIGINT:number:0',
      'volume_per_atom:DOUBLE:number:0',
      'dos:DOUBLE[]:list:0',
      'frequency_grid:DOUBLE[]:list:0',
    ]);
    expect(p.rows).toHaveLength(3);
    expect(p.rows[0]).toMatchObject({ row_id: 0, formula: 'BaTe', elements: '["Ba", "Te"]' });
    expect((p.rows[0].dos as number[]).length).toBe(51);
    expect(p.problems.filter((x) => x.severity === 'error')).toEqual([]);
    const gap = await previewFile(dataSet('matbench_expt_gap', 'expt_gap_multitask.csv'), { rows: 1 });
    expect(gap.columns.find((c) => c.name === 'band_gap_eV')!.missing).toBe(317);
  });

  it('returns problems instead of throwing, and still shows the rows it could read', async () => {
    const p = await previewFile(writeFile(scratch.dir, 's.csv', numericCsv(40, (i) => (i === 5 ? 'X,abc' : undefined))), { rows: 7 });
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatchObject({ severity: 'error', location: { file: 's.csv', row: 7, column: 'value' } });
    expect(p.columns.find((c) => c.name === 'value')).toMatchObject({ type: 'DOUBLE', missing: 1 });
    expect(p.rows[5]).toEqual({ formula: 'X', value: null });
    const empty = await previewFile(writeFile(scratch.dir, 'e.csv', ''));
    expect(empty).toMatchObject({ rowCount: 0, columns: [], rows: [] });
    expect(empty.problems[0].message).toBe('the file is empty.');
  });

  it('previews a long-format file folded into curves', async () => {
    const p = await previewFile(dataSet('vickers_hardness_load', 'hv_comp_load_long.csv'), { rows: 2, long: parseLongSpec('formula,load_N,hardness_GPa') });
    expect(p.rowCount).toBe(530);
    expect(p.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['formula:VARCHAR', 'hardness_GPa:DOUBLE[]', 'load_N:DOUBLE[]']);
    expect(p.rows[0]).toEqual({ formula: 'Ag0.05Gd0.048Pd0.902', hardness_GPa: [1.81], load_N: [0.49] });
    expect(p.problems.map((x) => x.severity)).toEqual(['warning']);
  });
});
