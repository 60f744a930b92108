/**
 * Predictions keep their context: every input column by default (predictions and flags after them), a default file
 * beside the input that is never replaced unasked, CSV values rounded to the digits the model's test error allows
 * (Parquet keeps full precision), and the units a run states carried into its bundle.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictionsFileFor } from '../../../../src-main/engine/data/import/formats';
import { exportBundle, type BundleManifest } from '../../../../src-main/engine/export/bundle/index';
import { defaultOutputPath, predictBatch, type PredictEvent, type PredictInput } from '../../../../src-main/engine/infer/index';
import { shownDecimals } from '../../../../src-main/engine/util/quantities';
import { scratchDir } from '../../../helpers/paths';
import { csvRows, GAP_RUN, trainRun } from '../export/bundle/trained-runs';

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

/** The band gap task states its unit; the classification task has none to state. */
const GAP_WITH_UNIT = GAP_RUN.replace('data_column: band_gap_eV,', 'data_column: band_gap_eV, unit: eV (optical),').replace(
  'experiment_name: gap',
  'experiment_name: gap_units',
);

describe('predictions in context', () => {
  const scratch = scratchDir('crucible-predict-context-');
  const ctx = { emit: (_: PredictEvent) => {}, signal: new AbortController().signal };
  const path = (name: string) => join(scratch.dir, name);
  let bundle: string;
  let manifest: BundleManifest;
  let notices: string[];
  const predict = (job: Partial<PredictInput>) => predictBatch({ model: bundle, input: '', ...job }, ctx);

  beforeAll(async () => {
    notices = [];
    const exported = await exportBundle(await trainRun(GAP_WITH_UNIT, path('run')), path('gap.crucible'), { onNotice: (n) => notices.push(n) });
    bundle = exported.file;
    manifest = exported.manifest;
    writeFileSync(
      path('screening.csv'),
      'sample_id,formula,batch,density_g_cm3,band_gap\ns1,Fe2O3,A,5.24,2.1\ns2,NaCl,A,2.17,8.5\ns3,Qq3,B,,\ns4,GaAs,B,5.32,1.4\n',
    );
  }, 90_000);
  afterAll(() => scratch.cleanup());

  it('records the unit a run states, and proposes none silently', () => {
    expect(manifest.tasks.map((t) => [t.name, t.unit])).toEqual([
      ['band_gap', 'eV (optical)'],
      ['is_metal', null],
    ]);
    expect(notices.filter((n) => /states no unit/.test(n))).toEqual([]);
  });

  it('keeps every input column by default, predictions and flags after them; a measured column of a task name stays apart', async () => {
    const summary = await predict({ input: path('screening.csv'), output: path('all.csv') });
    expect(summary.columns).toEqual([
      'sample_id',
      'formula',
      'formula_canonical',
      'batch',
      'density_g_cm3',
      'band_gap',
      'band_gap_predicted',
      'band_gap_in_domain',
      'is_metal',
      'is_metal_prob_0',
      'is_metal_prob_1',
      'is_metal_in_domain',
      'domain_note',
    ]);
    const rows = csvRows(path('all.csv'));
    expect(rows.map((r) => [r.sample_id, r.batch, r.density_g_cm3, r.band_gap])).toEqual([
      ['s1', 'A', '5.24', '2.1'],
      ['s2', 'A', '2.17', '8.5'],
      ['s3', 'B', '', ''],
      ['s4', 'B', '5.32', '1.4'],
    ]);
    const some = await predict({ input: path('screening.csv'), output: path('some.csv'), keep: ['sample_id', 'formula'] });
    expect(some.columns.slice(0, 4)).toEqual(['sample_id', 'formula', 'formula_canonical', 'band_gap']);
  });

  it('saves beside the input by default, and refuses to replace a file unless allowed', async () => {
    expect(predictionsFileFor('/data/lab/screening.csv')).toEqual({ folder: '/data/lab', name: 'screening.predictions.csv' });
    expect(predictionsFileFor('/data/lab/run.2.xlsx')).toEqual({ folder: '/data/lab', name: 'run.2.predictions.csv' });
    expect(predictionsFileFor('/screening.parquet')).toEqual({ folder: '/', name: 'screening.predictions.csv' });
    expect(predictionsFileFor('C:\\lab\\screening.csv')).toEqual({ folder: 'C:\\lab', name: 'screening.predictions.csv' });
    expect(predictionsFileFor('C:\\screening.csv')).toEqual({ folder: 'C:\\', name: 'screening.predictions.csv' });
    expect(predictionsFileFor('notes')).toEqual({ folder: '.', name: 'notes.predictions.csv' });
    const beside = defaultOutputPath(path('screening.csv'));
    expect(beside).toBe(path('screening.predictions.csv'));

    writeFileSync(beside, 'kept\n');
    await expect(predict({ input: path('screening.csv'), output: beside, overwrite: false })).rejects.toMatchObject({
      code: 'already-exists',
      message: `${beside} already exists.`,
    });
    expect(readFileSync(beside, 'utf8')).toBe('kept\n');
    await predict({ input: path('screening.csv'), output: beside, overwrite: true });
    expect(readFileSync(beside, 'utf8')).toMatch(/^sample_id,formula,/);
  });

  it('rounds CSV values to the decimals the test MAE allows, probabilities to 4 significant digits; Parquet keeps full precision', async () => {
    const decimals = shownDecimals(manifest.metrics!.tasks.band_gap.test.mae)!;
    expect(decimals).toBeGreaterThan(0);
    const input = path('many.csv');
    writeFileSync(input, `formula\n${['Fe2O3', 'NaCl', 'GaAs', 'SiO2', 'ZnO', 'TiO2', 'MgO', 'CdTe', 'Cu2O', 'BaTiO3'].join('\n')}\n`);
    await predict({ input, output: path('many.csv.out.csv') });
    await predict({ input, output: path('many.parquet') });
    const csv = csvRows(path('many.csv.out.csv'));
    const exact = await query<{ band_gap: number; is_metal_prob_1: number }>(`SELECT band_gap, is_metal_prob_1 FROM '${path('many.parquet')}'`);
    // Full precision: float32 values, not rounded to the decimals shown.
    expect(exact.some((r) => Number(r.band_gap.toFixed(decimals)) !== r.band_gap)).toBe(true);
    csv.forEach((r, i) => {
      expect(r.band_gap.split('.')[1]?.length ?? 0, r.band_gap).toBeLessThanOrEqual(decimals);
      expect(Number(r.band_gap)).toBeCloseTo(exact[i].band_gap, decimals);
      const p = exact[i].is_metal_prob_1;
      expect(Number(r.is_metal_prob_1)).toBe(p === 0 ? 0 : Number(p.toPrecision(4)));
    });
  });
});
