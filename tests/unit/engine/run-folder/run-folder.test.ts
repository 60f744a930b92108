/** Run folders written by a real training run and read back: run.json, typed events, structured epochs, metrics.csv; and folders of older runs. */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import { initBackend } from '../../../../src-main/engine/model/backend';
import {
  flattenEpoch,
  headerFromConfigText,
  listRunSummaries,
  readRunDetails,
  readRunSummary,
  RUN_FILES,
  RunEventSchema,
  RunHeaderSchema,
  structureEpoch,
} from '../../../../src-main/engine/run-folder/index';
import { runTraining, type TrainingEvent } from '../../../../src-main/engine/train/run-training';
import { gapConfigYaml } from '../../../helpers/configs';
import { scratchDir } from '../../../helpers/paths';

const csvRows = (dir: string) => {
  const [head, ...rows] = readFileSync(join(dir, RUN_FILES.metricsCsv), 'utf8').trim().split('\n');
  const keys = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i], Number(v)])));
};

describe('run folders', () => {
  const scratch = scratchDir();
  const dir = join(scratch.dir, 'gap-run');
  const progress: TrainingEvent[] = [];

  beforeAll(async () => {
    await initBackend('wasm');
    const cfg = parseConfigText(gapConfigYaml({ seed: 3, epochs: 2, extra: 'experiment_name: gaps' }), { baseDir: scratch.dir });
    await runTraining({ config: cfg, data: await loadRunData(cfg), runDir: dir }, { emit: (e) => progress.push(e), signal: new AbortController().signal });
  });
  afterAll(() => scratch.cleanup());

  it('writes run.json and one typed event per line, each epoch structured by task', () => {
    const header = RunHeaderSchema.parse(JSON.parse(readFileSync(join(dir, RUN_FILES.header), 'utf8')));
    expect(header).toMatchObject({ name: 'gaps', table: null, idColumn: 'formula', featurizer: 'magpie', sharedDims: [32, 16], strategy: 'uncertainty' });
    expect(header.tasks).toEqual([
      { name: 'band_gap', type: 'regression', column: 'band_gap_eV', stepsColumn: null },
      { name: 'is_metal', type: 'classification', column: 'is_metal', stepsColumn: null },
    ]);
    const events = readFileSync(join(dir, RUN_FILES.events), 'utf8')
      .trim()
      .split('\n')
      .map((l) => RunEventSchema.parse(JSON.parse(l)));
    expect(events.map((e) => e.type)).toEqual(['epoch', 'epoch', 'done']);
    const first = events[0].type === 'epoch' ? events[0].record : null;
    expect(first?.epoch).toBe(1);
    expect(Object.keys(first!.tasks.band_gap.val)).toEqual(expect.arrayContaining(['raw_loss', 'mae', 'r2']));
    expect(Object.keys(first!.tasks.is_metal.val)).toContain('accuracy');
    expect(Object.keys(first!.tasks.band_gap.weighting)).toEqual(['sigma', 'weight']);
    expect(Object.keys(first!.lr)).toEqual(['encoder', 'head:band_gap', 'head:is_metal']);
    // Every key the loop logged found its place: only the timings are left over.
    expect(Object.keys(first!.other)).toEqual(['epoch_seconds', 'samples_per_s']);
  });

  it('flattens records back to exactly the loop’s keys and order for metrics.csv', async () => {
    const { history } = await readRunDetails(dir);
    const rows = csvRows(dir);
    expect(history.map((r) => r.epoch)).toEqual([1, 2]);
    history.forEach((record, i) => {
      const flat = flattenEpoch(record);
      expect({ epoch: record.epoch, ...flat }).toEqual(rows[i]);
      expect(structureEpoch(record.epoch, flat, { tasks: ['band_gap', 'is_metal'], groups: Object.keys(record.lr) })).toEqual(record);
    });
    const live = progress.flatMap((e) => (e.type === 'progress' && e.progress.record ? [e.progress.record] : []));
    expect(live).toEqual(history);
  });

  it('summarises the run and lists it', async () => {
    const s = await readRunSummary(dir);
    expect(s).toMatchObject({ id: 'gap-run', name: 'gaps', status: 'done', epochsRun: 2, backend: 'wasm', strategy: 'uncertainty', table: null });
    expect(s.tasks.map((t) => t.name)).toEqual(['band_gap', 'is_metal']);
    expect(s.test.band_gap.mae).toBeGreaterThan(0);
    expect((await listRunSummaries(scratch.dir)).map((r) => r.id)).toEqual(['gap-run']);
    expect(await listRunSummaries(join(scratch.dir, 'none'))).toEqual([]);
  });

  it('reads a run written before run.json: header from config.yaml, flat epoch logs structured, a cut line skipped', async () => {
    const old = join(scratch.dir, 'old-run');
    mkdirSync(old);
    writeFileSync(join(old, RUN_FILES.config), readFileSync(join(dir, RUN_FILES.config), 'utf8'));
    const flat = csvRows(dir).map(({ epoch, ...logs }) => ({ epoch, logs }));
    const lines = [
      ...flat.map(({ epoch, logs }) => JSON.stringify({ time: `2025-01-01T00:00:0${epoch}.000Z`, type: 'epoch', epoch: epoch - 1, logs })),
      JSON.stringify({
        time: '2025-01-01T00:00:09.000Z',
        type: 'done',
        summary: { runDir: old, backend: 'wasm', epochsRun: 2, bestEpoch: 2, stopReason: null, cancelled: false },
      }),
    ];
    writeFileSync(join(old, RUN_FILES.events), `${lines.join('\n')}\n`);
    appendFileSync(join(old, RUN_FILES.events), '{"time": "2025-01-01T00:00:10.000Z", "type": "ep');
    const details = await readRunDetails(old);
    expect(details.summary).toMatchObject({ name: 'gaps', status: 'done', epochsRun: 2, bestEpoch: 2, startedAt: '2025-01-01T00:00:01.000Z' });
    expect(details.summary.tasks.map((t) => t.name)).toEqual(['band_gap', 'is_metal']);
    const current = (await readRunDetails(dir)).history;
    expect(details.history.map((r) => ({ ...r, other: {} }))).toEqual(current.map((r) => ({ ...r, other: {} })));
  });

  it('says less, never throws, for folders missing their files', async () => {
    const empty = join(scratch.dir, 'killed');
    mkdirSync(empty);
    expect(await readRunSummary(empty)).toMatchObject({ id: 'killed', name: 'killed', status: 'interrupted', epochsRun: 0, tasks: [] });
    writeFileSync(join(empty, RUN_FILES.metrics), '{"tasks": 3}');
    expect((await readRunDetails(empty)).metrics).toBeNull();
    expect(headerFromConfigText('model: [unclosed')).toMatchObject({ name: null, tasks: [] });
    rmSync(empty, { recursive: true });
  });
});

describe('epoch records', () => {
  it('give flat keys their task, with task names that prefix each other and an optimiser group named like a task', () => {
    const logs = {
      train_final_loss: 1,
      train_gap_raw_loss: 2,
      train_gap_direct_raw_loss: 3,
      val_gap_direct_mae: 4,
      val_gap_mae: 5,
      gap_direct_weight: 6,
      val_accuracy: 7,
      lr_encoder: 8,
      lr_weight: 9,
      'lr_head:gap': 10,
      train_ssl_mfm_loss: 11,
    };
    const r = structureEpoch(3, logs, { tasks: ['gap', 'gap_direct', 'lr'], groups: ['encoder', 'head:gap'] });
    expect(r.tasks.gap).toEqual({ train: { raw_loss: 2 }, val: { mae: 5 }, weighting: {} });
    expect(r.tasks.gap_direct).toEqual({ train: { raw_loss: 3 }, val: { mae: 4 }, weighting: { weight: 6 } });
    expect(r.tasks.lr.weighting).toEqual({ weight: 9 });
    expect(r).toMatchObject({ epoch: 3, loss: { train: 1 }, overall: { accuracy: 7 }, lr: { encoder: 8, 'head:gap': 10 }, other: { train_ssl_mfm_loss: 11 } });
    expect(flattenEpoch(r)).toEqual(logs);
  });
});
