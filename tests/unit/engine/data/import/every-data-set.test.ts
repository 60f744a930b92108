/** `import` + table listing on every data set in data/ and the element tables in resources/elements/. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, parseCurveSpec, parseLongSpec, previewTable, type ImportOptions } from '../../../../../src-main/engine/data/import';
import type { DataStore, TableInfo } from '../../../../../src-main/engine/data/store';
import { initProject, openProject, type Project } from '../../../../../src-main/engine/project';
import { join } from 'node:path';
import { elementTablesDir } from '../../../../../src-main/engine/data/featurize/element-table';
import { scratchDir, dataSet } from '../../../../helpers/paths';

interface Case {
  file: string[];
  options?: ImportOptions;
  table: string;
  rows: number;
  /** A few column types to check (name → DuckDB type). */
  types: Record<string, string>;
  role: 'samples' | 'element-properties' | 'other';
}

const ESTM_PROPERTIES = 'seebeck_uV_K,electrical_conductivity_S_m,thermal_conductivity_W_mK,power_factor_W_mK2,ZT';

const cases: Case[] = [
  { file: ['element_properties', 'crabnet_magpie.csv'], table: 'crabnet_magpie', rows: 97, types: { element: 'VARCHAR', MeltingT: 'DOUBLE' }, role: 'element-properties' },
  { file: ['element_properties', 'crabnet_mat2vec.csv'], table: 'crabnet_mat2vec', rows: 118, types: { element: 'VARCHAR', '0': 'DOUBLE', '199': 'DOUBLE' }, role: 'element-properties' },
  { file: ['element_properties', 'crabnet_oliynyk.csv'], table: 'crabnet_oliynyk', rows: 85, types: { element: 'VARCHAR', Atomic_Weight: 'DOUBLE' }, role: 'element-properties' },
  { file: ['element_properties', 'magpie_elementdata_matminer.csv'], table: 'magpie_elementdata_matminer', rows: 112, types: { element: 'VARCHAR', Density: 'DOUBLE' }, role: 'element-properties' },
  {
    file: ['estm_thermoelectric', 'estm_curves.csv'],
    options: { curves: parseCurveSpec(`${ESTM_PROPERTIES}:temperature_K`) },
    table: 'estm_curves',
    rows: 912,
    types: { curve_id: 'BIGINT', temperature_K: 'DOUBLE[]', seebeck_uV_K: 'DOUBLE[]', ZT: 'DOUBLE[]' },
    role: 'samples',
  },
  {
    file: ['estm_thermoelectric', 'estm_long.csv'],
    options: { long: parseLongSpec(`formula+reference_doi,temperature_K,${ESTM_PROPERTIES}`) },
    table: 'estm_long',
    rows: 912,
    types: { formula: 'VARCHAR', reference_doi: 'VARCHAR', temperature_K: 'DOUBLE[]', ZT: 'DOUBLE[]' },
    role: 'samples',
  },
  { file: ['matbench_expt_gap', 'expt_gap.csv'], table: 'expt_gap', rows: 4604, types: { formula: 'VARCHAR', band_gap_eV: 'DOUBLE' }, role: 'samples' },
  { file: ['matbench_expt_gap', 'expt_gap_multitask.csv'], table: 'expt_gap_multitask', rows: 4921, types: { band_gap_eV: 'DOUBLE', is_metal: 'BIGINT' }, role: 'samples' },
  { file: ['matbench_expt_gap', 'expt_is_metal.csv'], table: 'expt_is_metal', rows: 4921, types: { is_metal: 'BIGINT' }, role: 'samples' },
  { file: ['matbench_glass', 'glass.csv'], table: 'glass', rows: 5680, types: { formula: 'VARCHAR', gfa: 'BIGINT' }, role: 'samples' },
  { file: ['matbench_phonons', 'phonons.csv'], table: 'phonons', rows: 1265, types: { 'last_phdos_peak_cm-1': 'DOUBLE' }, role: 'samples' },
  { file: ['matbench_steels_yield', 'steels_yield.csv'], table: 'steels_yield', rows: 312, types: { yield_strength_MPa: 'DOUBLE' }, role: 'samples' },
  {
    file: ['mp_multiproperty', 'mp_multiproperty.csv'],
    table: 'mp_multiproperty',
    rows: 56661,
    types: { bulk_modulus_GPa: 'DOUBLE', magnetic_moment_muB: 'DOUBLE' },
    role: 'samples',
  },
  {
    file: ['mp_phonon_dos', 'mp_phonon_dos.csv'],
    options: { curves: parseCurveSpec('dos:frequency_grid'), idColumn: 'row_id' },
    table: 'mp_phonon_dos',
    rows: 1602,
    types: { elements: 'VARCHAR', n_sites: 'BIGINT', dos: 'DOUBLE[]', frequency_grid: 'DOUBLE[]' },
    role: 'samples',
  },
  {
    file: ['vickers_hardness_load', 'hv_comp_load_curves.csv'],
    options: { curves: parseCurveSpec('hardness_GPa:load_N') },
    table: 'hv_comp_load_curves',
    rows: 530,
    types: { n_points: 'BIGINT', load_N: 'DOUBLE[]', hardness_GPa: 'DOUBLE[]' },
    role: 'samples',
  },
  {
    file: ['vickers_hardness_load', 'hv_comp_load_long.csv'],
    options: { long: parseLongSpec('formula,load_N,hardness_GPa') },
    table: 'hv_comp_load_long',
    rows: 530,
    types: { formula: 'VARCHAR', hardness_GPa: 'DOUBLE[]', load_N: 'DOUBLE[]' },
    role: 'samples',
  },
];

describe('importing every data set', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let project: Project;
  let store: DataStore;
  let tables: TableInfo[];

  beforeAll(async () => {
    scratch = scratchDir();
    project = await initProject(`${scratch.dir}/project`);
    for (const c of cases) await importFile(project, c.file[0] === 'element_properties' ? join(elementTablesDir(), c.file[1]) : dataSet(...c.file), c.options);
    project = await openProject(project.dir);
    store = await project.openStore();
    tables = await store.listTables();
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    scratch.cleanup();
  });

  it.each(cases)('$table: rows, column types and metadata', (c) => {
    const info = tables.find((t) => t.name === c.table)!;
    expect(info.rowCount).toBe(c.rows);
    for (const [name, type] of Object.entries(c.types)) expect(info.columns.find((col) => col.name === name)?.type, name).toBe(type);
    const meta = project.table(c.table)!;
    expect(meta).toMatchObject({ name: c.table, format: 'csv', sourceFile: c.file[1], rowCount: c.rows, role: c.role });
    expect(meta.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.formulaColumn).toBe(c.role === 'samples' ? 'formula' : null);
    expect(meta.curves).toEqual([...(c.options?.long?.y.map((y) => ({ y, x: c.options!.long!.x })) ?? []), ...(c.options?.curves ?? [])]);
  });

  it('lists exactly the imported tables', () => {
    expect(tables.map((t) => t.name).sort()).toEqual(cases.map((c) => c.table).sort());
    expect(project.tables.map((t) => t.name).sort()).toEqual(cases.map((c) => c.table).sort());
  });

  it('reads JSON-array cells as DOUBLE[] lists of the right lengths', async () => {
    const [dos] = await store.sql.rows<{ lengths: number[]; maxima: number[] }>(
      'SELECT list_distinct(list(len(dos))) AS lengths, list_distinct(list(list_max(dos))) AS maxima FROM mp_phonon_dos',
    );
    expect(dos).toEqual({ lengths: [51], maxima: [1] });
    const grid = await store.readColumn('mp_phonon_dos', 'frequency_grid');
    if (grid.kind !== 'list') throw new Error('expected a list');
    expect(Array.from(grid.values[0]!).slice(0, 3)).toEqual([0, 20, 40]);
    expect(grid.values[0]![50]).toBe(1000);
  });

  it('keeps the source columns and missing values as they are', async () => {
    const preview = await previewTable(store, 'mp_multiproperty', { rows: 1 });
    const missing = Object.fromEntries(preview.columns.map((c) => [c.name, c.missing]));
    // Counts from the data set's README: values present out of 56,661.
    expect(missing).toMatchObject({ formula: 0, bulk_modulus_GPa: 56661 - 6307, shear_modulus_GPa: 56661 - 6184, elastic_anisotropy: 56661 - 6331, e_above_hull_eV_atom: 0 });
    const gap = await previewTable(store, 'expt_gap_multitask', { rows: 0 });
    expect(gap.columns.find((c) => c.name === 'band_gap_eV')!.missing).toBe(317);
  });

  it('folds the long vickers file into exactly the curves of the curve file', async () => {
    const [r] = await store.sql.rows<{ n: number; differ: number; points: number }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE l.load_N <> c.load_N OR l.hardness_GPa <> c.hardness_GPa) AS differ, sum(len(l.load_N)) AS points
       FROM hv_comp_load_long l JOIN hv_comp_load_curves c USING (formula)`,
    );
    expect(r).toEqual({ n: 530, differ: 0, points: 1062 });
    expect(project.table('hv_comp_load_long')!.longFormat).toEqual({ id: ['formula'], x: 'load_N', y: ['hardness_GPa'], sourceRows: 1062 });
  });

  it('folds ESTM by formula and source into the 912 curves of the curve file, x sorted', async () => {
    const [r] = await store.sql.rows<{ n: number; sameT: number; points: number; unsorted: number }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE l.temperature_K = c.temperature_K) AS sameT, sum(len(l.temperature_K)) AS points,
              count(*) FILTER (WHERE l.temperature_K <> list_sort(l.temperature_K)) AS unsorted
       FROM estm_long l JOIN estm_curves c ON l.formula = c.formula AND l.reference_doi = c.reference_doi`,
    );
    expect(r).toEqual({ n: 912, sameT: 912, points: 5205, unsorted: 0 });
  });
});
