/**
 * Reads a project's run folders for the UI: what ran (config.yaml), when (provenance.json), how it
 * went epoch by epoch (events.jsonl), how well (metrics.json) and what it predicted (predictions/test.csv).
 * Every file may be missing or cut short (a run that failed or was killed); readers then say less, never throw.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DataStore } from '../../engine/data/store/data-store';
import { quoteIdentifier, quoteLiteral } from '../../engine/data/store/identifiers';
import { CrucibleError } from '../../engine/errors';
import { restoreText } from '../../engine/util/csv-writer';
import { pathForId } from '../../engine/util/id-path';
import type { Project } from '../../engine/project/index';
import type { Cell, EpochLogs, MetricsReport, RunPredictions, RunStatus, RunSummary, TaskType } from '../contract';

export interface RunConfigView {
  name: string | null;
  /** `shared_block_dims` after the input width (the deposit width last), and the featurizer. */
  sharedDims: number[];
  featurizer: string | null;
  backend: string | null;
  strategy: string | null;
  table: string | null;
  idColumn: string | null;
  tasks: { name: string; type: TaskType; column: string; stepsColumn: string | null }[];
}

interface RunEvent {
  time?: string;
  type?: string;
  epoch?: number;
  logs?: EpochLogs;
  summary?: { epochsRun?: number; bestEpoch?: number; stopReason?: string | null; cancelled?: boolean };
  error?: string;
}

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function readJson<T>(path: string): Promise<T | null> {
  const text = await readText(path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

const TYPES: Record<string, TaskType> = { regression: 'regression', classification: 'classification', sequence: 'sequence', kernelregression: 'sequence' };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The parts of a run's config.yaml (seed layout) the UI shows; an unreadable file gives the empty view. */
export function configView(text: string | null): RunConfigView {
  const empty: RunConfigView = { name: null, sharedDims: [], featurizer: null, backend: null, strategy: null, table: null, idColumn: null, tasks: [] };
  if (text === null) return empty;
  try {
    const doc = record(parseYaml(text));
    const data = record(record(doc.data).init_args);
    const model = record(record(doc.model).init_args);
    const tasks = Array.isArray(model.task_configs) ? model.task_configs.map(record) : [];
    const dims = (Array.isArray(model.shared_block_dims) ? model.shared_block_dims : []).slice(1).filter((d): d is number => typeof d === 'number');
    const deposit = typeof model.deposit_dim === 'number' ? model.deposit_dim : null;
    return {
      name: str(doc.experiment_name),
      sharedDims: deposit && deposit !== dims.at(-1) ? [...dims, deposit] : dims,
      featurizer: str(data.featurizer),
      backend: str(doc.backend),
      strategy: str(record(doc.weighting).strategy),
      table: str(data.table) ?? str(record(data.attributes_source).table),
      idColumn: str(data.id_column),
      tasks: tasks
        .filter((t) => t.enabled !== false)
        .map((t) => ({
          name: String(t.name),
          type:
            TYPES[
              String(t.type)
                .toLowerCase()
                .replace(/[\s_-]/g, '')
            ] ?? 'regression',
          column: String(t.data_column || t.name),
          stepsColumn: str(t.steps_column) ?? str(t.t_column),
        })),
    };
  } catch {
    return empty;
  }
}

/** The events of a run; a line cut by a crash is skipped. */
async function readEvents(dir: string): Promise<RunEvent[]> {
  const text = await readText(join(dir, 'events.jsonl'));
  if (text === null) return [];
  return text.split('\n').flatMap((line) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as RunEvent];
    } catch {
      return [];
    }
  });
}

/** Epoch logs in epoch order; a resumed run's repeated epochs keep their latest record. */
function historyOf(events: readonly RunEvent[]): EpochLogs[] {
  const byEpoch = new Map<number, EpochLogs>();
  for (const e of events) if (e.type === 'epoch' && typeof e.epoch === 'number' && e.logs) byEpoch.set(e.epoch, e.logs);
  return [...byEpoch].sort((a, b) => a[0] - b[0]).map(([, logs]) => logs);
}

/** The folder of run `runId` inside the project; refuses names that would leave runs/. */
export function runFolder(project: Project, runId: string): string {
  const dir = pathForId(project.runsDir, runId, 'run', { root: project.dir });
  if (!existsSync(dir)) {
    throw new CrucibleError('not-found', `The project has no run "${runId}".`, { hint: 'Pick a run from the runs list.' });
  }
  return dir;
}

export async function readRunSummary(project: Project, runId: string, running: boolean): Promise<RunSummary> {
  const dir = runFolder(project, runId);
  const [config, provenance, events, metrics] = await Promise.all([
    readText(join(dir, 'config.yaml')).then(configView),
    readJson<{ startedAt?: string; finishedAt?: string; backend?: { name?: string } }>(join(dir, 'provenance.json')),
    readEvents(dir),
    readJson<MetricsReport>(join(dir, 'metrics.json')),
  ]);
  const done = events.findLast((e) => e.type === 'done');
  const failed = events.findLast((e) => e.type === 'failed');
  const history = historyOf(events);
  const status: RunStatus = running ? 'running' : done ? (done.summary?.cancelled ? 'cancelled' : 'done') : failed ? 'failed' : 'interrupted';
  const startedAt = provenance?.startedAt ?? events[0]?.time ?? null;
  const finishedAt = running ? null : (provenance?.finishedAt ?? events.at(-1)?.time ?? null);
  return {
    id: runId,
    name: config.name ?? runId,
    status,
    startedAt,
    finishedAt,
    durationSeconds: startedAt && finishedAt ? Math.max(0, (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000) : null,
    epochsRun: done?.summary?.epochsRun ?? history.length,
    bestEpoch: done?.summary?.bestEpoch ?? metrics?.best_epoch ?? null,
    stopReason: done?.summary?.stopReason ?? null,
    error: failed?.error ?? null,
    backend: provenance?.backend?.name ?? config.backend,
    strategy: config.strategy,
    table: config.table,
    tasks: config.tasks.map(({ name, type, column }) => ({ name, type, column })),
    test: Object.fromEntries(Object.entries(metrics?.tasks ?? {}).map(([task, m]) => [task, m.test])),
  };
}

/** Every run of the project, newest first. */
export async function listRuns(project: Project, isRunning: (runId: string) => boolean): Promise<RunSummary[]> {
  if (!existsSync(project.runsDir)) return [];
  const ids = (await readdir(project.runsDir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  const runs = await Promise.all(ids.map((id) => readRunSummary(project, id, isRunning(id))));
  return runs.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}

export async function readRunDetails(project: Project, runId: string, running: boolean) {
  const dir = runFolder(project, runId);
  const [summary, config, events, metrics] = await Promise.all([
    readRunSummary(project, runId, running),
    readText(join(dir, 'config.yaml')),
    readEvents(dir),
    readJson<MetricsReport>(join(dir, 'metrics.json')),
  ]);
  return { summary, config: config ?? '', history: historyOf(events), metrics };
}

function parseCell(text: string | null, type: TaskType): Cell {
  if (text === null || text === '') return null;
  if (type === 'classification') return text;
  if (text.startsWith('[')) {
    try {
      const list = (JSON.parse(text) as (number | null)[]).map((v) => (typeof v === 'number' ? v : null));
      // A row without a grid has an empty prediction: nothing to show.
      return list.length ? list : null;
    } catch {
      return null;
    }
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The x values of each row, by id, from the steps column of the table the run trained on (null where unknown). */
async function stepsById(store: DataStore, table: string, idColumn: string | null, stepsColumn: string): Promise<Map<string, number[]>> {
  const info = await store.table(table);
  const id = idColumn ?? info.columns[0].name;
  if (!info.columns.some((c) => c.name === stepsColumn) || !info.columns.some((c) => c.name === id)) return new Map();
  const rows = await store.sql.rows<{ id: string | null; x: number[] | null }>(
    `SELECT CAST(${quoteIdentifier(id)} AS VARCHAR) AS id, ${quoteIdentifier(stepsColumn)} AS x FROM ${quoteIdentifier(table)}`,
  );
  const out = new Map<string, number[]>();
  for (const r of rows) if (r.id !== null && r.x && !out.has(r.id)) out.set(r.id, r.x);
  return out;
}

/**
 * The run's test predictions with, for curves, each row's x values from the project table.
 * `withStore` opens the project's database exclusively (see Session.exclusive).
 */
export async function readPredictions(
  project: Project,
  runId: string,
  withStore: <T>(work: (store: DataStore) => Promise<T>) => Promise<T>,
): Promise<RunPredictions> {
  const dir = runFolder(project, runId);
  const file = join(dir, 'predictions', 'test.csv');
  if (!existsSync(file)) {
    throw new CrucibleError('not-found', `Run "${runId}" has no test predictions.`, {
      hint: 'Runs write them when training ends; a failed or interrupted run has none.',
    });
  }
  const config = configView(await readText(join(dir, 'config.yaml')));
  const scratch = await DataStore.inMemory();
  let table: { names: string[]; values: unknown[][] };
  try {
    table = await scratch.sql.columns(`SELECT * FROM read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`);
  } finally {
    await scratch.close();
  }
  const col = (name: string) => {
    const i = table.names.indexOf(name);
    return i < 0 ? null : (table.values[i] as (string | null)[]);
  };
  const ids = (col('id') ?? []).map((v) => restoreText(v ?? ''));
  const tasks = config.tasks.filter((t) => col(t.name) !== null);
  const steps = new Map<string, Map<string, number[]>>();
  const withSteps = tasks.filter((t) => t.type === 'sequence' && t.stepsColumn);
  if (withSteps.length && config.table && project.table(config.table)) {
    await withStore(async (store) => {
      for (const t of withSteps) steps.set(t.name, await stepsById(store, config.table!, config.idColumn, t.stepsColumn!));
    });
  }
  return {
    ids,
    formulas: (col('formula') ?? []).map((v) => restoreText(v ?? '')),
    tasks: tasks.map((t) => {
      const x = steps.get(t.name);
      const prefix = `${t.name}_p_`;
      const scoreColumns = t.type === 'classification' ? table.names.filter((n) => n.startsWith(prefix)) : [];
      return {
        name: t.name,
        type: t.type,
        scores: scoreColumns.length
          ? Object.fromEntries(scoreColumns.map((n) => [n.slice(prefix.length), col(n)!.map((v) => parseCell(v, 'regression') as number | null)]))
          : null,
        predicted: col(t.name)!.map((v) => parseCell(v, t.type)),
        measured: (col(`${t.name}_true`) ?? []).map((v) => parseCell(v, t.type)),
        steps: x ? ids.map((id) => x.get(id) ?? null) : null,
        stepsColumn: t.stepsColumn,
      };
    }),
  };
}
