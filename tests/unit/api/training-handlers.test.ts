import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../../src-main/api/handlers/index';
import type { Router } from '../../../src-main/api/router';
import { Session } from '../../../src-main/api/session';
import type { RequestResult, TaskSpec } from '../../../src-main/api/contract';
import { call, dosTask, EventLog } from '../../helpers/api';
import { scratchDir, dataSet } from '../../helpers/paths';

const task = (over: Partial<TaskSpec>): TaskSpec => dosTask({ head_options: { hidden_dims: [64] }, ...over });

describe('task and training handlers', () => {
  const scratch = scratchDir();
  let router: Router;
  let session: Session;
  let events: EventLog;

  beforeAll(async () => {
    process.env.CRUCIBLE_CONFIG_DIR = join(scratch.dir, 'config');
    session = new Session('web', { allowedRoots: [scratch.dir, dataSet()] });
    events = new EventLog(session.events);
    router = createRouter(session);
    await call(router, 'project:create', { dir: join(scratch.dir, 'P'), name: 'P' });
    await call(router, 'data:import', {
      file: dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'),
      table: 'phonons',
      options: { curves: [{ y: 'dos', x: 'frequency_grid' }] },
    });
    await call(router, 'data:import', { file: dataSet('matbench_expt_gap', 'expt_gap_multitask.csv'), table: 'gaps' });
  });
  afterAll(() => {
    delete process.env.CRUCIBLE_CONFIG_DIR;
    scratch.cleanup();
  });

  it('offers every registered head with form fields and defaults from its schema', async () => {
    const c = await call<RequestResult<'tasks:catalog'>>(router, 'tasks:catalog', {});
    const rnn = c.heads.find((h) => h.id === 'rnn')!;
    expect(rnn.kind).toBe('sequence');
    expect(rnn.fields.find((f) => f.key === 'cell')).toMatchObject({ kind: 'choice', default: 'gru', choices: ['gru', 'lstm'] });
    expect(rnn.fields.find((f) => f.key === 'num_layers')).toMatchObject({ kind: 'integer', default: 2, min: 1, max: 6 });
    expect(c.heads.find((h) => h.id === 'regression')!.fields.find((f) => f.key === 'hidden_dims')).toMatchObject({ kind: 'integer-list', default: [64] });
    expect(c.weightings.map((w) => w.id)).toEqual(expect.arrayContaining(['static', 'uncertainty']));
    expect(c.featurizers.map((f) => f.id)).toContain('magpie');
  });

  it('attaches each problem of a draft to its field', async () => {
    const drafts = [
      task({ data_column: 'formula_cell' }),
      task({ name: 'gap', table: 'gaps', type: 'regression', subtype: 'rnn', data_column: 'band_gap_eV', steps_column: 'x' }),
      task({ name: 'phonon_dos', head_options: { hidden_dims: [0] } }),
      task({ name: '1bad', loss_weight: -1 }),
    ];
    const { problems } = await call<RequestResult<'tasks:check'>>(router, 'tasks:check', { tasks: drafts });
    const at = (t: number, field: string) => problems.filter((p) => p.task === t && p.field === field).map((p) => p.message);
    expect(at(0, 'data_column')[0]).toContain('holds text; a sequence task needs curves');
    expect(at(1, 'subtype')[0]).toContain('is a sequence head; this is a regression task');
    expect(at(1, 'steps_column')[0]).toContain('Only curve');
    // Tasks of two tables train together (joined by material): no conflict to report.
    expect(at(1, 'enabled')).toEqual([]);
    expect(at(2, 'head_options.hidden_dims.0')).toHaveLength(1);
    expect(at(2, 'name')[0]).toContain('Task 1 already has this name');
    expect(at(3, 'name')[0]).toContain('Start with a letter');
    expect(at(3, 'loss_weight')).toEqual(['At least 0.']);
  });

  it('counts labelled rows per split with the formula-grouped split a run would use', async () => {
    const drafts = [task({}), task({ name: 'volume', type: 'regression', subtype: 'regression', data_column: 'volume_per_atom', steps_column: null })];
    const r = await call<RequestResult<'tasks:check'>>(router, 'tasks:check', { tasks: drafts, counts: true });
    expect(r.problems).toEqual([]);
    const dos = r.counts!.phonon_dos;
    expect(dos.train + dos.val + dos.test).toBe(1602);
    expect(dos.test).toBeGreaterThan(100);
    // Densities of states and volumes are never negative: a run would keep their predictions ≥ 0.
    expect(r.lowerBounds).toEqual({ phonon_dos: 0, volume: 0 });
  });

  it('joins tasks of two tables by material: counts per material and the materials each pair shares', async () => {
    const drafts = [
      task({}),
      task({ name: 'gap', table: 'gaps', type: 'regression', subtype: 'regression', data_column: 'band_gap_eV', steps_column: null, enabled: false }),
    ];
    const r = await call<RequestResult<'tasks:check'>>(router, 'tasks:check', { tasks: drafts, counts: true });
    const total = (name: string) => r.counts![name].train + r.counts![name].val + r.counts![name].test;
    // Joined, each material is one row: the DOS table's 1602 rows hold 1441 compositions (polymorphs), and 3 of
    // expt_gap's 4604 formulas spell a composition another row has too.
    expect(total('phonon_dos')).toBe(1441);
    expect(total('gap')).toBe(4601);
    const { tasks, shared, materials } = r.overlap!;
    expect(tasks).toEqual(['phonon_dos', 'gap']);
    expect(shared[0][0]).toBe(1441);
    expect(shared[1][1]).toBe(4601);
    expect(shared[0][1]).toBe(shared[1][0]);
    expect(shared[0][1]).toBeGreaterThan(0);
    // Rows with neither label (a table's other columns) are materials too.
    expect(materials).toBeGreaterThanOrEqual(1441 + 4601 - shared[0][1]);
  });

  it('saves valid tasks in project.json and refuses invalid ones', async () => {
    const bad = await router.dispatch('tasks:save', { tasks: [task({ data_column: 'nope' })] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringContaining('no column "nope"') } });
    const tasks = [
      task({}),
      task({ name: 'volume', type: 'regression', subtype: 'regression', data_column: 'volume_per_atom', steps_column: null, head_options: {} }),
    ];
    await call(router, 'tasks:save', { tasks });
    expect((await call<RequestResult<'tasks:get'>>(router, 'tasks:get', {})).tasks.map((t) => t.name)).toEqual(['phonon_dos', 'volume']);
  });

  it('trains in a worker with progress events, then lists and reads the run', async () => {
    const settings = {
      ...(await call<RequestResult<'training:settings'>>(router, 'training:settings', {})),
      name: 'quick',
      maxEpochs: 3,
      backend: 'wasm' as const,
    };
    const { runId } = await call<RequestResult<'training:start'>>(router, 'training:start', { settings });
    expect(runId).toMatch(/^quick-/);
    const again = await router.dispatch('training:start', { settings });
    expect(again).toMatchObject({ ok: false, error: { code: 'already-exists' } });
    const active = await call<RequestResult<'training:active'>>(router, 'training:active', {});
    expect(active.run?.tasks.map((t) => t.name)).toEqual(['phonon_dos', 'volume']);

    await expect.poll(() => events.first('training:finished'), { timeout: 60_000, interval: 100 }).toBeTruthy();
    expect(events.first('training:finished')).toEqual({ runId, status: 'done', error: null });
    const epochs = events.of('training:progress').flatMap((e) => (e.progress.type === 'epoch' ? [e.progress] : []));
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    const first = epochs[0].record!;
    expect(first.epoch).toBe(1);
    expect(first.loss.train).toBeGreaterThan(0);
    expect(first.tasks.phonon_dos.val.raw_loss).toBeGreaterThan(0);
    expect(first.tasks.volume.val.mae).toBeGreaterThan(0);
    expect(first.tasks.phonon_dos.weighting.sigma).toBeGreaterThan(0);
    expect(Object.keys(first.lr)).toEqual(['encoder', 'head:phonon_dos', 'head:volume']);
    expect(first.other).toEqual({ epoch_seconds: expect.any(Number), samples_per_s: expect.any(Number) });
    expect((await call<RequestResult<'training:settings'>>(router, 'training:settings', {})).name).toBe('quick');

    const { runs } = await call<RequestResult<'runs:list'>>(router, 'runs:list', {});
    expect(runs[0]).toMatchObject({ id: runId, name: 'quick', status: 'done', epochsRun: 3, table: 'phonons', strategy: 'uncertainty', backend: 'wasm' });
    expect(runs[0].test.volume.mae).toBeGreaterThan(0);
    expect(runs[0].durationSeconds).toBeGreaterThan(0);

    const details = await call<RequestResult<'runs:get'>>(router, 'runs:get', { runId });
    expect(details.history).toHaveLength(3);
    // What events.jsonl kept is what the UI saw live.
    expect(details.history).toEqual(epochs.map((e) => e.record));
    expect(details.config).toContain('table: phonons');
    expect(details.metrics?.tasks.phonon_dos.baseline_test?.mae).toBeGreaterThan(0);

    const p = await call<RequestResult<'runs:predictions'>>(router, 'runs:predictions', { runId });
    const curve = p.tasks.find((t) => t.name === 'phonon_dos')!;
    expect(p.ids.length).toBeGreaterThan(100);
    expect(curve.stepsColumn).toBe('frequency_grid');
    expect((curve.predicted[0] as number[]).length).toBe(51);
    expect((curve.measured[0] as number[]).length).toBe(51);
    expect(curve.steps![0]).toEqual(Array.from({ length: 51 }, (_, i) => i * 20));
    expect(typeof p.tasks.find((t) => t.name === 'volume')!.predicted[0]).toBe('number');

    const report = await call<RequestResult<'runs:report'>>(router, 'runs:report', { runId });
    expect(report.fileName).toBe(`${runId}-report.html`);
    expect(report.html).toContain('data-plot="parity-volume"');
    expect(report.html).toContain('data-plot="curve-phonon_dos-1"');
    // The curves run over the project table's frequency grid, read through the session's store.
    expect(report.html).toContain('>frequency_grid</text>');
  });

  it('cancels a run: it stops early, keeps its best epoch and says so', async () => {
    events.clear();
    const settings = { ...(await call<RequestResult<'training:settings'>>(router, 'training:settings', {})), name: 'long', maxEpochs: 500, patience: null };
    const { runId } = await call<RequestResult<'training:start'>>(router, 'training:start', { settings });
    await expect.poll(() => events.of('training:progress').some((e) => e.progress.type === 'epoch'), { timeout: 60_000, interval: 50 }).toBe(true);
    expect(await call(router, 'training:cancel', { runId })).toEqual({ cancelling: true });
    await expect.poll(() => events.first('training:finished')?.status, { timeout: 60_000, interval: 100 }).toBe('cancelled');
    const { runs } = await call<RequestResult<'runs:list'>>(router, 'runs:list', {});
    const run = runs.find((r) => r.id === runId)!;
    expect(run.status).toBe('cancelled');
    expect(run.epochsRun).toBeLessThan(500);
    expect(await call(router, 'training:cancel', { runId })).toEqual({ cancelling: false });
  });

  it('refuses run ids that leave the runs folder', async () => {
    expect(await router.dispatch('runs:get', { runId: '..' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await router.dispatch('runs:get', { runId: 'no-such-run' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await router.dispatch('runs:get', { runId: '../P' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });
});
