/**
 * Reading a run folder: what ran (run.json, or config.yaml for runs written before it), when (provenance.json),
 * how it went epoch by epoch (events.jsonl), how well (metrics.json). Every file may be missing or cut short (a
 * run that failed or was killed); readers then say less, never throw.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { structureEpoch, type EpochRecord } from './epoch-record';
import { headerFromConfigText } from './header';
import { RUN_FILES } from './layout';
import {
  LegacyEpochEventSchema,
  MetricsReportSchema,
  RunEventSchema,
  RunHeaderSchema,
  type MetricsReport,
  type RunDetails,
  type RunEvent,
  type RunHeader,
  type RunStatus,
  type RunSummary,
} from './schemas';

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  const text = await readText(path);
  if (text === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The run's header: run.json, else the fields its config.yaml gives. */
export async function readRunHeader(dir: string): Promise<RunHeader> {
  return (await readJson(join(dir, RUN_FILES.header), RunHeaderSchema)) ?? headerFromConfigText(await readText(join(dir, RUN_FILES.config)));
}

/** The run's events in order, older runs' flat epoch logs structured with the header's tasks; a line cut by a crash is skipped. */
export async function readRunEvents(dir: string, header: RunHeader): Promise<RunEvent[]> {
  const text = await readText(join(dir, RUN_FILES.events));
  if (text === null) return [];
  const tasks = header.tasks.map((t) => t.name);
  return text.split('\n').flatMap((line): RunEvent[] => {
    if (!line.trim()) return [];
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return [];
    }
    const event = RunEventSchema.safeParse(raw);
    if (event.success) return [event.data];
    const legacy = LegacyEpochEventSchema.safeParse(raw);
    if (!legacy.success) return [];
    const { time, epoch, logs } = legacy.data;
    return [{ time: time ?? '', type: 'epoch', record: structureEpoch(epoch + 1, logs, { tasks }) }];
  });
}

/** Epoch records in epoch order; a resumed run's repeated epochs keep their latest record. */
function historyOf(events: readonly RunEvent[]): EpochRecord[] {
  const byEpoch = new Map<number, EpochRecord>();
  for (const e of events) if (e.type === 'epoch') byEpoch.set(e.record.epoch, e.record);
  return [...byEpoch].sort((a, b) => a[0] - b[0]).map(([, record]) => record);
}

/** The parts of provenance.json (train/provenance.ts) a summary shows. */
const ProvenanceTimes = z.looseObject({
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  backend: z.looseObject({ name: z.string().optional() }).optional(),
});
type Provenance = z.infer<typeof ProvenanceTimes>;

function summarise(
  dir: string,
  header: RunHeader,
  provenance: Provenance | null,
  events: readonly RunEvent[],
  metrics: MetricsReport | null,
  running: boolean,
): RunSummary {
  const id = basename(dir);
  const done = events.findLast((e) => e.type === 'done');
  const failed = events.findLast((e) => e.type === 'failed');
  const epochs = historyOf(events).length;
  const status: RunStatus = running ? 'running' : done ? (done.summary.cancelled ? 'cancelled' : 'done') : failed ? 'failed' : 'interrupted';
  const startedAt = provenance?.startedAt ?? events[0]?.time ?? null;
  const finishedAt = running ? null : (provenance?.finishedAt ?? events.at(-1)?.time ?? null);
  return {
    id,
    name: header.name ?? id,
    status,
    startedAt,
    finishedAt,
    durationSeconds: startedAt && finishedAt ? Math.max(0, (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000) : null,
    epochsRun: done?.summary.epochsRun ?? epochs,
    bestEpoch: done?.summary.bestEpoch ?? metrics?.best_epoch ?? null,
    stopReason: done?.summary.stopReason ?? null,
    error: failed?.error ?? null,
    backend: provenance?.backend?.name ?? header.backend,
    strategy: header.strategy,
    // A joined run names every table it read.
    table: header.joinedTables?.join(' + ') ?? header.table,
    tasks: header.tasks.map(({ name, type, column, unit }) => ({ name, type, column, unit: unit ?? null })),
    test: Object.fromEntries(Object.entries(metrics?.tasks ?? {}).map(([task, m]) => [task, m.test])),
  };
}

async function readParts(dir: string) {
  const header = await readRunHeader(dir);
  const [provenance, events, metrics] = await Promise.all([
    readJson(join(dir, RUN_FILES.provenance), ProvenanceTimes),
    readRunEvents(dir, header),
    readJson(join(dir, RUN_FILES.metrics), MetricsReportSchema),
  ]);
  return { header, provenance, events, metrics };
}

/** The run in `dir` as the runs list shows it; `running` when it is the run in progress. */
export async function readRunSummary(dir: string, running = false): Promise<RunSummary> {
  const p = await readParts(dir);
  return summarise(dir, p.header, p.provenance, p.events, p.metrics, running);
}

/** The run in `dir` whole: summary, config.yaml, epoch records, metrics. */
export async function readRunDetails(dir: string, running = false): Promise<RunDetails> {
  const p = await readParts(dir);
  return {
    summary: summarise(dir, p.header, p.provenance, p.events, p.metrics, running),
    config: (await readText(join(dir, RUN_FILES.config))) ?? '',
    history: historyOf(p.events),
    metrics: p.metrics,
  };
}

/** Every run folder in `runsDir`, newest first. */
export async function listRunSummaries(runsDir: string, isRunning: (id: string) => boolean = () => false): Promise<RunSummary[]> {
  if (!existsSync(runsDir)) return [];
  const ids = (await readdir(runsDir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  const runs = await Promise.all(ids.map((id) => readRunSummary(join(runsDir, id), isRunning(id))));
  return runs.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}
