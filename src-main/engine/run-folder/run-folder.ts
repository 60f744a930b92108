/**
 * Writing a run folder (layout.ts lists its files). Every file is written atomically; events.jsonl is appended
 * one typed event per line, so a crash can at worst cut its last line, which readers skip.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { toCsv } from '../util/csv-writer';
import { flattenEpoch, type EpochRecord } from './epoch-record';
import { CHECKPOINTS_DIR, checkpointFile, PREDICTIONS_DIR, RUN_FILES, type CheckpointKind } from './layout';
import type { RunEvent, RunHeader } from './schemas';

/** An event as a writer hands it over; the folder stamps its time. */
export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'time'> : never) : never;

export class RunFolder {
  constructor(readonly dir: string) {}

  /** Creates the folder's layout and, unless a resumed run already has one, its run.json. */
  static async create(dir: string, header: RunHeader): Promise<RunFolder> {
    await mkdir(join(dir, CHECKPOINTS_DIR), { recursive: true });
    await mkdir(join(dir, PREDICTIONS_DIR), { recursive: true });
    const folder = new RunFolder(dir);
    if (!existsSync(folder.path(RUN_FILES.header))) await folder.writeJson(RUN_FILES.header, header);
    return folder;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  checkpointPath(kind: CheckpointKind): string {
    return this.path(checkpointFile(kind));
  }

  writeText(name: string, text: string): Promise<void> {
    return writeFileAtomic(this.path(name), text);
  }

  writeJson(name: string, value: unknown): Promise<void> {
    return this.writeText(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** metrics.csv: `epoch` first, then every key any epoch logged, in first-seen order; rewritten whole each epoch. */
  writeMetricsCsv(history: readonly EpochRecord[]): Promise<void> {
    const flat = history.map(flattenEpoch);
    const keys: string[] = [];
    for (const logs of flat) for (const k of Object.keys(logs)) if (!keys.includes(k)) keys.push(k);
    const rows = history.map((record, i) => [record.epoch, ...keys.map((k) => flat[i][k])]);
    return this.writeText(RUN_FILES.metricsCsv, toCsv(['epoch', ...keys], rows));
  }

  appendEvent(event: RunEventInput): Promise<void> {
    return appendFile(this.path(RUN_FILES.events), `${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
  }
}
