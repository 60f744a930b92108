/**
 * Bundles from real training runs: what a bundle holds, that its ONNX model passes the reference checker,
 * and that a bundle imported into a fresh project predicts what the run's TensorFlow.js model predicts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFeaturizer } from '../../../../../src-main/engine/data/featurize/index';
import { onnxIo } from '../../../../../src-main/engine/export/onnx/io-names';
import { exportBundle, importModel, listModels, MEMBERS, readBundle, type Bundle } from '../../../../../src-main/engine/export/bundle/index';
import { predictBatch, type PredictSummary } from '../../../../../src-main/engine/infer/index';
import { openProject } from '../../../../../src-main/engine/project/index';
import { decodeCheckpoint } from '../../../../../src-main/engine/train/checkpoint-file';
import { readCheckpointFile } from '../../../../../src-main/engine/train/training-state';
import { makeProject } from '../../../../helpers/projects';
import { repoRoot, scratchDir } from '../../../../helpers/paths';
import { expectParity, expectValidOnnx } from '../onnx-harness';
import { DOS_RUN, DOS_STRUCTURE_RUN, GAP_RUN, SEEBECK_RUN, testPredictions, tfPredict, trainRun } from './trained-runs';

const quiet = { emit: () => {}, signal: new AbortController().signal };

/** A CSV's cells as text, or a Parquet file's values as written: the predictions compared below come from Parquet, as CSV rounds them. */
async function readRows(file: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const reader = await c.runAndReadAll(
      file.endsWith('.parquet') ? `SELECT * FROM '${file}'` : `SELECT * FROM read_csv('${file}', header = true, all_varchar = true)`,
    );
    return reader.getRowObjectsJS();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('model bundles from training runs', () => {
  const scratch = scratchDir('crucible-bundle-');
  const runs = {} as Record<'gap' | 'dos' | 'seebeck' | 'structure', string>;
  const bundles = {} as Record<'gap' | 'dos' | 'seebeck' | 'structure', Bundle>;
  const notices = {} as Record<'gap' | 'dos' | 'seebeck' | 'structure', string[]>;

  beforeAll(async () => {
    runs.gap = await trainRun(GAP_RUN, join(scratch.dir, 'run-gap'));
    runs.dos = await trainRun(DOS_RUN, join(scratch.dir, 'run-dos'));
    runs.seebeck = await trainRun(SEEBECK_RUN, join(scratch.dir, 'run-seebeck'));
    runs.structure = await trainRun(DOS_STRUCTURE_RUN, join(scratch.dir, 'run-structure'));
    for (const name of ['gap', 'dos', 'seebeck', 'structure'] as const) {
      notices[name] = [];
      const result = await exportBundle(runs[name], join(scratch.dir, `${name}.crucible`), { onNotice: (n) => notices[name].push(n) });
      bundles[name] = await readBundle(result.file);
    }
  }, 120_000);
  afterAll(() => scratch.cleanup());

  it('holds the ONNX model, manifest, model card, fine-tuning weights and config, each with its checksum', async () => {
    const { manifest, members } = bundles.gap;
    expect([...members.keys()].sort()).toEqual(
      [MEMBERS.readme, MEMBERS.model, MEMBERS.python, MEMBERS.report, MEMBERS.config, MEMBERS.weights, MEMBERS.domain, MEMBERS.domainModel].sort(),
    );
    expect(Object.keys(manifest.files).sort()).toEqual([...members.keys()].sort());
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.name).toBe('gap');
    const header = (await readCheckpointFile(join(runs.gap, 'checkpoints', 'best.ckpt'))).header;
    const io = onnxIo(header.modelSpec);
    expect(manifest.tasks).toEqual([
      { name: 'band_gap', kind: 'regression', head: 'regression', output: io.tasks[0].output, width: 1, column: 'band_gap_eV', unit: 'eV' },
      {
        name: 'is_metal',
        kind: 'classification',
        head: 'classification',
        output: io.tasks[1].output,
        width: 2,
        column: 'is_metal',
        unit: null,
        classes: ['0', '1'],
      },
    ]);
    const magpie = getFeaturizer('magpie');
    expect(manifest.input.featurizer).toEqual({ id: 'magpie', tableSha256: magpie.tableSha256, description: magpie.description });
    expect(manifest.input.descriptors).toEqual({ input: io.descriptors, columns: [...magpie.featureNames] });
    expect(manifest.normalisation.features.mean).toEqual(header.scaling.features.mean);
    expect(manifest.normalisation.targets.band_gap).toEqual(header.scaling.tasks[0].targets);
    expect(manifest.metrics).toEqual(JSON.parse(readFileSync(join(runs.gap, 'metrics.json'), 'utf8')));
    expect(manifest.training).toMatchObject({
      run: 'run-gap',
      checkpoint: 'best',
      epoch: header.epoch + 1,
      data: [{ source: 'expt_gap_multitask.csv', rows: 4921 }],
    });
    expect(JSON.stringify(manifest.provenance)).not.toContain(scratch.dir);
    expect(new TextDecoder().decode(members.get(MEMBERS.config))).toBe(readFileSync(join(runs.gap, 'config.yaml'), 'utf8'));
    // The weights are the checkpoint's parameters without the optimiser state.
    const weights = decodeCheckpoint<{ resume?: unknown; modelSpec: unknown }>(members.get(MEMBERS.weights)!);
    expect(weights.header.resume).toBeUndefined();
    expect(weights.header.modelSpec).toEqual(header.modelSpec);
    expect(Array.from(weights.blobs.params)).toEqual(Array.from((await readCheckpointFile(join(runs.gap, 'checkpoints', 'best.ckpt'))).blobs.params));
  });

  it('records each curve task: the shared training grid, or the x column when grids differ', () => {
    const dos = bundles.dos.manifest.tasks[0];
    expect(dos.steps).toMatchObject({ column: 'frequency_grid' });
    expect(dos.steps!.grid).toEqual(Array.from({ length: 51 }, (_, i) => i * 20));
    const seebeck = bundles.seebeck.manifest.tasks[0];
    expect(seebeck).toMatchObject({ unit: 'µV/K', steps: { column: 'temperature_K', grid: null } });
    // These configs state no unit: the bundle records the one the column name proposes, and says so.
    expect(notices.seebeck).toContain(
      'Task "seebeck": its run states no unit; the bundle records "µV/K", proposed by column "seebeck_uV_K". Confirm units on the Tasks page, or with `unit:` in the task\'s config.',
    );
    expect(notices.dos.filter((n) => n.includes('states no unit'))).toEqual([]);
  });

  it('writes ONNX models, and applicability-domain graphs, that pass onnx.checker.check_model(full_check=True)', () => {
    expectValidOnnx(
      scratch.dir,
      Object.fromEntries(
        Object.entries(bundles).flatMap(([name, b]) => [
          [name, b.members.get(MEMBERS.model)!],
          [`${name}-domain`, b.members.get(MEMBERS.domainModel)!],
        ]),
      ),
    );
  });

  it("writes a model card whose Python example is valid Python for the model's inputs", () => {
    for (const bundle of Object.values(bundles)) {
      const card = new TextDecoder().decode(bundle.members.get(MEMBERS.readme));
      expect(card).toContain('## Test metrics');
      const code = /```python\n([\s\S]*?)```/.exec(card)![1];
      expect(code.split('\n').length).toBeLessThanOrEqual(16);
      for (const task of bundle.manifest.tasks) if (task.steps) expect(code).toContain(`feeds["${task.steps.input}"]`);
      const file = join(scratch.dir, 'example.py');
      writeFileSync(file, code);
      const parsed = spawnSync('/usr/bin/python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', file], { encoding: 'utf8' });
      expect(parsed.status, parsed.stderr).toBe(0);
    }
    const gapCard = new TextDecoder().decode(bundles.gap.members.get(MEMBERS.readme));
    expect(gapCard).toContain('| band_gap | regression | `band_gap` | eV |');
    expect(gapCard).toContain('crucible predict gap.crucible materials.csv --out predictions.csv');
    expect(gapCard).toContain('expt_gap_multitask.csv');
  });

  describe('imported into a fresh project', () => {
    let project: Awaited<ReturnType<typeof openProject>>;
    const predict = async (model: string, input: string, output: string): Promise<PredictSummary> =>
      predictBatch({ model, input, output, project: project.dir, table: `${model}_predictions` }, quiet);

    beforeAll(async () => {
      project = await openProject(await makeProject(scratch.dir, 'fresh'));
      for (const name of ['gap', 'dos', 'seebeck', 'structure']) await importModel(project, join(scratch.dir, `${name}.crucible`));
    });

    it('lists the imported models', async () => {
      const models = await listModels(project);
      expect(models.map((m) => [m.id, m.manifest?.name])).toEqual([
        ['dos', 'dos'],
        ['gap', 'gap'],
        ['seebeck', 'seebeck'],
        ['structure', 'dos_structure'],
      ]);
    });

    it("predicts the test rows as the TensorFlow.js model and the run's predictions/test.csv do", async () => {
      const test = testPredictions(runs.gap);
      const input = join(scratch.dir, 'gap-test.csv');
      writeFileSync(input, `id,formula\n${test.map((r) => `${r.id},${r.formula}`).join('\n')}\n`);
      const summary = await predict('gap', input, join(scratch.dir, 'gap-out.parquet'));
      expect(summary).toMatchObject({ rows: test.length, failureCount: 0, provider: 'cpu', table: 'gap_predictions' });
      expect(summary.columns).toEqual([
        'id',
        'formula',
        'formula_canonical',
        'band_gap',
        'band_gap_in_domain',
        'is_metal',
        'is_metal_prob_0',
        'is_metal_prob_1',
        'is_metal_in_domain',
        'domain_note',
      ]);
      const rows = await readRows(join(scratch.dir, 'gap-out.parquet'));
      const tfjs = await tfPredict(
        runs.gap,
        test.map((r) => r.formula),
      );
      const onnxGap = rows.map((r) => Number(r.band_gap));
      const scale = bundles.gap.manifest.normalisation.targets.band_gap.std[0];
      expectParity(
        onnxGap,
        tfjs.band_gap.map((v) => v[0]),
        'band_gap vs tfjs',
        scale,
      );
      expectParity(
        onnxGap,
        test.map((r) => Number(r.band_gap)),
        'band_gap vs predictions/test.csv',
        scale,
      );
      expectParity(
        rows.flatMap((r) => [Number(r.is_metal_prob_0), Number(r.is_metal_prob_1)]),
        tfjs.is_metal.flatMap((p) => [...p]),
        'is_metal probabilities vs tfjs',
      );
      expect(rows.map((r) => r.is_metal)).toEqual(test.map((r) => r.is_metal));
      expect(rows.map((r) => r.id)).toEqual(test.map((r) => r.id));
      // Stored in the project too.
      const reopened = await openProject(project.dir);
      expect(reopened.table('gap_predictions')).toMatchObject({
        rowCount: test.length,
        formulaColumn: 'formula',
        idColumn: 'id',
        sourceFile: 'gap-test.csv',
        role: 'samples',
      });
    });

    it('predicts curves on the training grid, as the run did', async () => {
      const test = testPredictions(runs.dos);
      const input = join(scratch.dir, 'dos-test.csv');
      writeFileSync(input, `row_id,formula\n${test.map((r) => `${r.id},${r.formula}`).join('\n')}\n`);
      const summary = await predict('dos', input, join(scratch.dir, 'dos-out.parquet'));
      expect(summary.columns).toEqual([
        'row_id',
        'formula',
        'formula_canonical',
        'phonon_dos',
        'phonon_dos_frequency_grid',
        'phonon_dos_in_domain',
        'domain_note',
      ]);
      const rows = await readRows(join(scratch.dir, 'dos-out.parquet'));
      const curves = rows.map((r) => r.phonon_dos as number[]);
      expect(rows[0].phonon_dos_frequency_grid).toEqual(bundles.dos.manifest.tasks[0].steps!.grid);
      const tfjs = await tfPredict(
        runs.dos,
        test.map((r) => r.formula),
      );
      const scale = bundles.dos.manifest.normalisation.targets.phonon_dos.std[0];
      expectParity(
        curves.flat(),
        tfjs.phonon_dos.flatMap((c) => [...c]),
        'DOS vs tfjs',
        scale,
      );
      expectParity(
        curves.flat(),
        test.flatMap((r) => JSON.parse(r.phonon_dos) as number[]),
        'DOS vs predictions/test.csv',
        scale,
      );
      expect((await openProject(project.dir)).table('dos_predictions')!.curves).toEqual([{ y: 'phonon_dos', x: 'phonon_dos_frequency_grid' }]);
    });

    it("predicts curves on each row's own x values when training grids differed", async () => {
      const test = testPredictions(runs.seebeck);
      const source = await readRows(join(repoRoot, 'data', 'estm_thermoelectric', 'estm_curves.csv'));
      const byId = new Map(source.map((r) => [r.curve_id as string, r]));
      const input = join(scratch.dir, 'seebeck-test.csv');
      writeFileSync(input, `curve_id,formula,temperature_K\n${test.map((r) => `${r.id},${r.formula},"${byId.get(r.id)!.temperature_K}"`).join('\n')}\n`);
      const summary = await predict('seebeck', input, join(scratch.dir, 'seebeck-out.parquet'));
      expect(summary.columns).toEqual(['curve_id', 'formula', 'formula_canonical', 'temperature_K', 'seebeck', 'seebeck_in_domain', 'domain_note']);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const read = await c.runAndReadAll(`SELECT seebeck, temperature_K FROM '${join(scratch.dir, 'seebeck-out.parquet')}'`);
      const rows = read.getRowObjectsJS() as { seebeck: number[]; temperature_K: number[] }[];
      c.closeSync();
      db.closeSync();
      const steps = rows.map((r) => r.temperature_K);
      expect(rows.map((r) => r.seebeck.length)).toEqual(steps.map((s) => s.length));
      expect(new Set(steps.map((s) => s.length)).size).toBeGreaterThan(1);
      const tfjs = await tfPredict(
        runs.seebeck,
        test.map((r) => r.formula),
        { seebeck: steps },
      );
      const scale = bundles.seebeck.manifest.normalisation.targets.seebeck.std[0];
      expectParity(
        rows.flatMap((r) => r.seebeck),
        tfjs.seebeck.flatMap((c) => [...c]),
        'Seebeck vs tfjs',
        scale,
      );
      expectParity(
        rows.flatMap((r) => r.seebeck),
        test.flatMap((r) => JSON.parse(r.seebeck) as number[]),
        'Seebeck vs predictions/test.csv',
        scale,
      );
    });

    it('feeds structure descriptors to a model with a structure branch', async () => {
      const test = testPredictions(runs.structure);
      const source = await readRows(join(repoRoot, 'data', 'mp_phonon_dos', 'mp_phonon_dos.csv'));
      const byId = new Map(source.map((r) => [r.row_id as string, r]));
      const columns = bundles.structure.manifest.input.structure!.columns;
      expect(columns).toEqual(['n_elements', 'n_sites', 'volume_per_atom']);
      const input = join(scratch.dir, 'structure-test.csv');
      writeFileSync(
        input,
        `row_id,formula,${columns.join(',')}\n${test.map((r) => [r.id, r.formula, ...columns.map((c) => byId.get(r.id)![c])].join(',')).join('\n')}\n`,
      );
      await predict('structure', input, join(scratch.dir, 'structure-out.parquet'));
      const rows = await readRows(join(scratch.dir, 'structure-out.parquet'));
      const curves = rows.map((r) => r.phonon_dos as number[]);
      const scale = bundles.structure.manifest.normalisation.targets.phonon_dos.std[0];
      expectParity(
        curves.flat(),
        test.flatMap((r) => JSON.parse(r.phonon_dos) as number[]),
        'DOS with structure vs predictions/test.csv',
        scale,
      );
    });
  });
});
