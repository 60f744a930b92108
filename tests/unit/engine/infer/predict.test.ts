/**
 * Batch prediction on real files: rows that cannot be featurized are reported with their spreadsheet row
 * and left empty, Parquet output reads back in DuckDB, descriptor columns stand in for formulas, a run
 * folder predicts like its bundle, and what is missing from an input is refused clearly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import writeExcelFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFeaturizer } from '../../../../src-main/engine/data/featurize/index';
import { exportBundle } from '../../../../src-main/engine/export/bundle/index';
import { predictBatch, type PredictEvent, type PredictInput } from '../../../../src-main/engine/infer/index';
import { openProject } from '../../../../src-main/engine/project/index';
import { makeProject } from '../../../helpers/projects';
import { scratchDir, dataSet } from '../../../helpers/paths';
import { GAP_RUN, SEEBECK_RUN, trainRun } from '../export/bundle/trained-runs';

async function query<T>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('predictBatch', () => {
  const scratch = scratchDir('crucible-predict-');
  const events: PredictEvent[] = [];
  const ctx = { emit: (e: PredictEvent) => events.push(e), signal: new AbortController().signal };
  let run: string;
  let bundle: string;
  const predict = (input: Partial<PredictInput>) => predictBatch({ model: bundle, input: '', ...input }, ctx);
  const path = (name: string) => join(scratch.dir, name);

  beforeAll(async () => {
    run = await trainRun(GAP_RUN, path('run-gap'));
    bundle = (await exportBundle(run, path('gap.crucible'))).file;
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it('reports rows whose formula cannot be featurized and writes them with empty predictions', async () => {
    const input = path('bad-rows.csv');
    // Rows as a spreadsheet shows them: the quoted line break stays inside row 4, the blank line is row 5.
    writeFileSync(input, 'id,formula,note\na,Fe2O3,ok\nb,Xx2O3,unknown element\nc,NaCl,"two\nlines"\n\nd,,empty\ne,Fe2O3)),unbalanced\nf,Fe2O3,ok\n');
    const summary = await predict({ input, output: path('bad-rows.csv.out.csv'), batchSize: 2 });
    expect(summary).toMatchObject({ rows: 6, rowsWithoutPredictions: 3, failureCount: 3 });
    expect(summary.failures.map((f) => [f.row, f.column])).toEqual([
      [3, 'formula'],
      [6, 'formula'],
      [7, 'formula'],
    ]);
    expect(summary.failures[0].reason).toMatch(/Xx/);
    expect(summary.columns).toEqual([
      'id',
      'formula',
      'formula_canonical',
      'note',
      'band_gap',
      'band_gap_in_domain',
      'is_metal',
      'is_metal_prob_0',
      'is_metal_prob_1',
      'is_metal_in_domain',
      'domain_note',
    ]);
    const lines = readFileSync(path('bad-rows.csv.out.csv'), 'utf8').trim().split('\n');
    // Rows without predictions have no domain flags either.
    expect(lines[2]).toBe('b,Xx2O3,,unknown element,,,,,,,');
    expect(lines.slice(5, 7)).toEqual(['d,,,empty,,,,,,,', 'e,Fe2O3)),,unbalanced,,,,,,,']);
    expect(lines[1]).toMatch(/^a,Fe2O3,Fe2O3,ok,-?\d+\.\d+,true,[01],0\.\d+,0\.\d+,true,$/);
    // Identical formulas, identical predictions, whatever the batch they fall in.
    expect(lines[7].split(',').slice(4)).toEqual(lines[1].split(',').slice(4));
    expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ done: 6, total: 6 });
  });

  it('writes Parquet that DuckDB reads back with typed columns', async () => {
    const output = path('gap.parquet');
    await predict({ input: dataSet('matbench_expt_gap', 'expt_gap.csv'), output });
    const columns = await query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM '${output}'`);
    expect(columns.map((c) => [c.column_name, c.column_type])).toEqual([
      ['formula', 'VARCHAR'],
      ['formula_canonical', 'VARCHAR'],
      // Every input column is kept, the measured band gap too.
      ['band_gap_eV', 'DOUBLE'],
      ['band_gap', 'FLOAT'],
      ['band_gap_in_domain', 'BOOLEAN'],
      ['is_metal', 'VARCHAR'],
      ['is_metal_prob_0', 'FLOAT'],
      ['is_metal_prob_1', 'FLOAT'],
      ['is_metal_in_domain', 'BOOLEAN'],
      ['domain_note', 'VARCHAR'],
    ]);
    const [stats] = await query<{ n: number; sum_p: number; labels: string[] }>(
      `SELECT count(*)::INTEGER AS n, max(abs(is_metal_prob_0 + is_metal_prob_1 - 1)) AS sum_p, list(DISTINCT is_metal ORDER BY is_metal) AS labels FROM '${output}'`,
    );
    expect(stats.n).toBe(4604);
    expect(stats.sum_p).toBeLessThan(1e-6);
    expect(stats.labels).toEqual(['0', '1']);
  });

  it('writes cells that a spreadsheet would run as formulas as text in CSV, and exactly in Parquet', async () => {
    const input = path('hostile.csv');
    writeFileSync(input, `id,formula,note\n"=HYPERLINK(""http://evil.example"",""x"")",Fe2O3,"+cmd|' /C calc'!A0"\n@SUM(1+1),NaCl,-5\n`);
    await predict({ input, output: path('hostile.out.csv') });
    const lines = readFileSync(path('hostile.out.csv'), 'utf8').trim().split('\n');
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",Fe2O3,Fe2O3,'\+cmd\|' \/C calc'!A0,/);
    expect(lines[2]).toMatch(/^'@SUM\(1\+1\),NaCl,ClNa,-5,/);
    await predict({ input, output: path('hostile.out.parquet') });
    const rows = await query<{ id: string; note: string }>(`SELECT id, note FROM '${path('hostile.out.parquet')}'`);
    expect(rows).toEqual([
      { id: '=HYPERLINK("http://evil.example","x")', note: "+cmd|' /C calc'!A0" },
      { id: '@SUM(1+1)', note: '-5' },
    ]);
  });

  it('reads descriptor columns instead of formulas, and Excel files', async () => {
    const formulas = ['Fe2O3', 'NaCl', 'SiO2', 'GaAs'];
    const magpie = getFeaturizer('magpie');
    const values = new Float32Array(formulas.length * magpie.featureNames.length);
    magpie.featurizeInto(formulas, values);
    const d = magpie.featureNames.length;
    const csv = [['name', ...magpie.featureNames].join(','), ...formulas.map((f, r) => [f, ...values.subarray(r * d, (r + 1) * d)].join(','))].join('\n');
    writeFileSync(path('descriptors.csv'), `${csv}\n`);
    const fromDescriptors = await predict({ input: path('descriptors.csv'), output: path('from-descriptors.csv') });
    // Every input column is kept, the descriptors too, then the predictions.
    expect(fromDescriptors.columns.slice(0, d + 2)).toEqual(['name', ...magpie.featureNames, 'band_gap']);
    await writeExcelFile([['formula', 'batch'], ...formulas.map((f, i) => [f, i])]).toFile(path('formulas.xlsx'));
    await predict({ input: path('formulas.xlsx'), output: path('from-formulas.csv'), keep: ['formula', 'batch'] });
    const a = readFileSync(path('from-descriptors.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(1 + d));
    const b = readFileSync(path('from-formulas.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(3));
    expect(a).toEqual(b);
    expect(readFileSync(path('from-formulas.csv'), 'utf8').split('\n')[0]).toBe(
      'formula,formula_canonical,batch,band_gap,band_gap_in_domain,is_metal,is_metal_prob_0,is_metal_prob_1,is_metal_in_domain,domain_note',
    );
  });

  it('predicts from a run folder exactly as from its bundle', async () => {
    const input = dataSet('matbench_steels_yield', 'steels_yield.csv');
    await predict({ input, output: path('steels-bundle.csv') });
    await predict({ model: run, input, output: path('steels-run.csv') });
    expect(readFileSync(path('steels-run.csv'), 'utf8')).toBe(readFileSync(path('steels-bundle.csv'), 'utf8'));
    // Steel compositions carry their yield strength: kept, like every input column, before the predictions.
    expect(readFileSync(path('steels-run.csv'), 'utf8').split('\n')[0]).toBe(
      'formula,formula_canonical,yield_strength_MPa,band_gap,band_gap_in_domain,is_metal,is_metal_prob_0,is_metal_prob_1,is_metal_in_domain,domain_note',
    );
  });

  it('stores the predictions as a project table, replacing only when asked', async () => {
    const dir = await makeProject(scratch.dir, 'project');
    const input = dataSet('matbench_glass', 'glass.csv');
    const summary = await predict({ input, project: dir });
    expect(summary).toMatchObject({ output: null, table: 'glass_predictions', rows: 5680 });
    await expect(predict({ input, project: dir })).rejects.toMatchObject({
      message: 'The project already has a table "glass_predictions".',
      hint: expect.stringMatching(/--replace/),
    });
    await predict({ input, project: dir, replace: true });
    const project = await openProject(dir);
    expect(project.tables.map((t) => t.name)).toEqual(['glass_predictions']);
    const store = await project.openStore();
    try {
      expect((await store.table('glass_predictions')).columns.map((c) => c.name)).toEqual([
        'formula',
        'formula_canonical',
        'gfa',
        'band_gap',
        'band_gap_in_domain',
        'is_metal',
        'is_metal_prob_0',
        'is_metal_prob_1',
        'is_metal_in_domain',
        'domain_note',
      ]);
    } finally {
      await store.close();
    }
  });

  it('refuses inputs that lack what the model reads, naming it', async () => {
    writeFileSync(path('numbers.csv'), 'a,b\n1,2\n');
    await expect(predict({ input: path('numbers.csv'), output: path('x.csv') })).rejects.toThrow(
      /numbers\.csv has neither a formula column nor the 321 descriptor columns the model reads/,
    );
    await expect(predict({ input: path('numbers.csv'), output: path('x.csv'), formulaColumn: 'formla' })).rejects.toThrow(
      /formula column "formla" is not a column of numbers\.csv/,
    );
    await expect(predict({ input: path('numbers.csv'), output: path('x.xlsx') })).rejects.toThrow(/must end in \.csv or \.parquet/);
    await expect(predict({ input: path('numbers.csv') })).rejects.toThrow(/Nowhere to put the predictions/);
    const seebeck = (await exportBundle(await trainRun(SEEBECK_RUN, path('run-seebeck')), path('seebeck.crucible'))).file;
    writeFileSync(path('no-temperatures.csv'), 'formula\nBi2Te3\n');
    await expect(predict({ model: seebeck, input: path('no-temperatures.csv'), output: path('x.csv') })).rejects.toThrow(
      /Task "seebeck" was trained on curves with different x-grids, so no-temperatures\.csv needs column "temperature_K"/,
    );
  }, 30_000);

  it('reports a curve row without x values for that task only', async () => {
    writeFileSync(path('temperatures.csv'), 'formula,temperature_K\nBi2Te3,"[300, 400, 500]"\nPbTe,\nSnSe,"[300]"\n');
    const summary = await predict({ model: path('seebeck.crucible'), input: path('temperatures.csv'), output: path('seebeck.csv') });
    expect(summary).toMatchObject({ rowsWithoutPredictions: 0, failureCount: 1 });
    expect(summary.failures).toEqual([{ row: 3, column: 'temperature_K', reason: 'no x values for task "seebeck"', task: 'seebeck' }]);
    const rows = await query<{ seebeck: number[] | null }>(
      `SELECT seebeck FROM read_csv('${path('seebeck.csv')}', columns = {'formula': 'VARCHAR', 'formula_canonical': 'VARCHAR', 'temperature_K': 'VARCHAR', 'seebeck': 'DOUBLE[]', 'seebeck_in_domain': 'BOOLEAN', 'domain_note': 'VARCHAR'}, header = true)`,
    );
    expect(rows.map((r) => r.seebeck?.length ?? null)).toEqual([3, null, 1]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      predictBatch(
        { model: bundle, input: dataSet('matbench_glass', 'glass.csv'), output: path('cancelled.csv') },
        { emit: () => {}, signal: controller.signal },
      ),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});
