import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../../src-main/api/handlers/index';
import type { Router } from '../../../src-main/api/router';
import { Session } from '../../../src-main/api/session';
import { predictionsFileFor, type RequestResult, type TaskSpec } from '../../../src-main/api/contract';
import { call, dosTask as dosTaskSpec, EventLog } from '../../helpers/api';
import { scratchDir, dataSet } from '../../helpers/paths';

const dosTask = dosTaskSpec();

describe('model and prediction handlers', () => {
  const scratch = scratchDir();
  let router: Router;
  let events: EventLog;
  let runId: string;

  beforeAll(async () => {
    process.env.CRUCIBLE_CONFIG_DIR = join(scratch.dir, 'config');
    const session = new Session('web', { allowedRoots: [scratch.dir, dataSet()] });
    events = new EventLog(session.events);
    router = createRouter(session);
    await call(router, 'project:create', { dir: join(scratch.dir, 'A'), name: 'A' });
    await call(router, 'data:import', {
      file: dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'),
      table: 'phonons',
      options: { curves: [{ y: 'dos', x: 'frequency_grid' }] },
    });
    await call(router, 'tasks:save', { tasks: [dosTask] });
    const settings = { ...(await call<RequestResult<'training:settings'>>(router, 'training:settings', {})), name: 'dos', maxEpochs: 2, backend: 'wasm' };
    runId = (await call<RequestResult<'training:start'>>(router, 'training:start', { settings })).runId;
    while (!events.first('training:finished')) await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(() => {
    delete process.env.CRUCIBLE_CONFIG_DIR;
    scratch.cleanup();
  });

  it('exports a run as a bundle with its model card, and lists it', async () => {
    const r = await call<RequestResult<'models:export'>>(router, 'models:export', { runId, id: 'dos-model' });
    expect(r.model).toMatchObject({
      id: 'dos-model',
      name: 'dos-model',
      run: runId,
      tasks: [{ name: 'phonon_dos', kind: 'sequence' }],
      featurizer: 'magpie',
      problem: null,
    });
    expect(r.model.test.phonon_dos.mae).toBeGreaterThan(0);
    expect(r.card).toContain('phonon_dos');
    expect((await call<RequestResult<'models:list'>>(router, 'models:list', {})).models.map((m) => m.id)).toEqual(['dos-model']);
    expect(await router.dispatch('models:export', { runId, id: 'dos-model' })).toMatchObject({ ok: false, error: { code: 'already-exists' } });
  });

  it('fine-tunes from the run with LoRA and a new head, and reports forgetting of the old task', async () => {
    const source = await call<RequestResult<'finetune:source'>>(router, 'finetune:source', { from: { kind: 'run', runId } });
    expect(source).toMatchObject({ tasks: [{ name: 'phonon_dos', type: 'sequence' }], sharedDims: [256, 128], featurizer: 'magpie' });
    const volume: TaskSpec = {
      ...dosTask,
      name: 'volume',
      type: 'regression',
      subtype: 'regression',
      data_column: 'volume_per_atom',
      steps_column: null,
      enabled: false,
    };
    await call(router, 'tasks:save', { tasks: [dosTask, volume] });
    const settings = { ...(await call<RequestResult<'training:settings'>>(router, 'training:settings', {})), name: 'tuned', maxEpochs: 2, sharedDims: [64] };
    events.clear();
    const started = await call<RequestResult<'training:start'>>(router, 'training:start', {
      settings,
      fineTune: { from: { kind: 'run', runId }, method: 'lora', loraRank: 4, loraAlpha: 8, tasks: ['phonon_dos', 'volume'] },
    });
    await expect.poll(() => events.first('training:finished')?.status, { timeout: 60_000, interval: 100 }).toBe('done');
    const statuses = events
      .of('training:status')
      .map((e) => e.message)
      .join('\n');
    expect(statuses).toMatch(/Started from .* parameters loaded, \d+ new/);
    const details = await call<RequestResult<'runs:get'>>(router, 'runs:get', { runId: started.runId });
    expect(details.config).toMatch(/lora_rank: 4/);
    expect(details.config).toContain('shared_block_dims: [auto, 256, 128]');
    expect(details.metrics?.forgetting?.tasks?.phonon_dos.mae.before).toBeGreaterThan(0);
    expect(details.summary.tasks.map((t) => t.name)).toEqual(['phonon_dos', 'volume']);
  });

  it('fine-tunes from an exported model with a frozen encoder; forgetting is not measured without its data', async () => {
    const settings = { ...(await call<RequestResult<'training:settings'>>(router, 'training:settings', {})), name: 'frozen', maxEpochs: 1 };
    events.clear();
    const started = await call<RequestResult<'training:start'>>(router, 'training:start', {
      settings,
      fineTune: { from: { kind: 'model', id: 'dos-model' }, method: 'freeze', loraRank: 8, loraAlpha: 16, tasks: ['volume'] },
    });
    await expect.poll(() => events.first('training:finished')?.status, { timeout: 60_000, interval: 100 }).toBe('done');
    const details = await call<RequestResult<'runs:get'>>(router, 'runs:get', { runId: started.runId });
    expect(details.config).toMatch(/freeze_parameters: true/);
    expect(details.metrics?.forgetting?.note).toContain('carries its weights but not its training data');
  });

  it('fine-tunes the DOS model with a new task from another table, the two tables joined by material', async () => {
    await call(router, 'data:import', { file: dataSet('matbench_expt_gap', 'expt_gap_multitask.csv'), table: 'gaps' });
    const gap: TaskSpec = {
      ...dosTask,
      name: 'gap',
      table: 'gaps',
      type: 'regression',
      subtype: 'regression',
      data_column: 'band_gap_eV',
      steps_column: null,
      enabled: false,
    };
    const { tasks } = await call<RequestResult<'tasks:get'>>(router, 'tasks:get', {});
    await call(router, 'tasks:save', { tasks: [...tasks, gap] });
    const settings = { ...(await call<RequestResult<'training:settings'>>(router, 'training:settings', {})), name: 'joined', maxEpochs: 1 };
    events.clear();
    const started = await call<RequestResult<'training:start'>>(router, 'training:start', {
      settings,
      fineTune: { from: { kind: 'run', runId }, method: 'freeze', loraRank: 8, loraAlpha: 16, tasks: ['phonon_dos', 'gap'] },
    });
    await expect.poll(() => events.first('training:finished')?.status, { timeout: 60_000, interval: 100 }).toBe('done');
    const details = await call<RequestResult<'runs:get'>>(router, 'runs:get', { runId: started.runId });
    expect(details.config).toMatch(/- table: phonons\n\s+- table: gaps/);
    expect(details.summary.tasks.map((t) => t.name)).toEqual(['phonon_dos', 'gap']);
    expect(details.metrics?.tasks.gap.test.mae).toBeGreaterThan(0);
    // Curves of a joined run are read back on their own table's grid, by material key.
    const p = await call<RequestResult<'runs:predictions'>>(router, 'runs:predictions', { runId: started.runId });
    const dos = p.tasks.find((t) => t.name === 'phonon_dos')!;
    const withCurve = dos.measured.findIndex((m) => m !== null);
    expect(dos.steps![withCurve]).toHaveLength(51);
    expect(dos.steps![withCurve]![1]).toBeGreaterThan(1);
    await call(router, 'tasks:save', { tasks });
  });

  it('imports the bundle into a second project and predicts a file there, with curves and their x-axis', async () => {
    await call(router, 'project:create', { dir: join(scratch.dir, 'B'), name: 'B' });
    const bundle = join(scratch.dir, 'A', 'models', 'dos-model.crucible');
    const { model } = await call<RequestResult<'models:import'>>(router, 'models:import', { file: bundle, id: 'from-a' });
    expect(model.id).toBe('from-a');
    const input = join(scratch.dir, 'new.csv');
    writeFileSync(input, 'formula,sample\nNaCl,s1\nMgO,s2\nNotAFormula,s3\n');
    const r = await call<RequestResult<'predict:run'>>(router, 'predict:run', {
      model: 'from-a',
      file: input,
      output: { folder: scratch.dir, name: 'out.csv' },
    });
    expect(r.summary).toMatchObject({ rows: 3, rowsWithoutPredictions: 1, table: 'new_predictions', output: join(scratch.dir, 'out.csv') });
    expect(r.summary.failures[0]).toMatchObject({ row: 4 });
    expect(r.curves).toEqual([{ y: 'phonon_dos', x: 'phonon_dos_frequency_grid' }]);
    expect((r.preview.rows[0].phonon_dos as number[]).length).toBe(51);
    expect(r.preview.rows[2].phonon_dos).toBeNull();
    expect(events.of('predict:progress').length > 0).toBe(true);
    // Every input column is kept, the predictions after them.
    expect(r.preview.columns.map((c) => c.name).slice(0, 4)).toEqual(['formula', 'formula_canonical', 'sample', 'phonon_dos']);
    expect(r.preview.rows.map((row) => row.sample)).toEqual(['s1', 's2', 's3']);
    expect((await call<RequestResult<'data:tables'>>(router, 'data:tables', {})).tables.map((t) => t.name)).toEqual(['new_predictions']);
    // The page proposes the file beside the input; an existing file is replaced only when the user agrees.
    expect(predictionsFileFor(input)).toEqual({ folder: scratch.dir, name: 'new.predictions.csv' });
    const again = await router.dispatch('predict:run', { model: 'from-a', file: input, output: { folder: scratch.dir, name: 'out.csv' } });
    expect(again).toMatchObject({ ok: false, error: { code: 'already-exists', message: `${join(scratch.dir, 'out.csv')} already exists.` } });
    const replaced = await call<RequestResult<'predict:run'>>(router, 'predict:run', {
      model: 'from-a',
      file: input,
      output: { folder: scratch.dir, name: 'out.csv' },
      replace: true,
    });
    expect(replaced.summary.output).toBe(join(scratch.dir, 'out.csv'));
  });

  it('says plainly why a broken bundle is refused, and deletes models', async () => {
    const fake = join(scratch.dir, 'fake.crucible');
    writeFileSync(fake, 'not a zip');
    const out = await router.dispatch('models:import', { file: fake });
    expect(out).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await call(router, 'models:delete', { id: 'from-a' })).toEqual({ deleted: true });
    expect((await call<RequestResult<'models:list'>>(router, 'models:list', {})).models).toEqual([]);
  });
});
