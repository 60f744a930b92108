/**
 * A run's folder: everything needed to understand, reproduce and reuse a training run.
 *
 *   config.yaml        the resolved configuration (defaults filled in)
 *   provenance.json    seeds, data file hashes, package versions, backend, timings
 *   metrics.csv        one row per epoch (losses, metrics, learned weights, learning rates)
 *   metrics.json       final per-task and overall metrics on val and test
 *   events.jsonl       progress and status events, as the UI saw them
 *   predictions/test.csv
 *   checkpoints/best.ckpt, last.ckpt
 *
 * Every file is written atomically; metrics.csv is rewritten whole after each epoch.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { toCsv } from '../util/csv-writer';
import type { Logs } from './callbacks/index';

export class RunFolder {
  constructor(readonly dir: string) {}

  static async create(dir: string): Promise<RunFolder> {
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    await mkdir(join(dir, 'predictions'), { recursive: true });
    return new RunFolder(dir);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  checkpointPath(kind: 'best' | 'last'): string {
    return this.path('checkpoints', `${kind}.ckpt`);
  }

  writeText(name: string, text: string): Promise<void> {
    return writeFileAtomic(this.path(name), text);
  }

  writeJson(name: string, value: unknown): Promise<void> {
    return this.writeText(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** The epoch table: `epoch` first, then every key any epoch logged, in first-seen order. */
  writeMetricsCsv(history: readonly Logs[], firstEpoch = 0): Promise<void> {
    const keys: string[] = [];
    for (const logs of history) for (const k of Object.keys(logs)) if (!keys.includes(k)) keys.push(k);
    const rows = history.map((logs, i) => [firstEpoch + i + 1, ...keys.map((k) => logs[k])]);
    return this.writeText('metrics.csv', toCsv(['epoch', ...keys], rows));
  }

  /** Appends one event line; a crash can at worst cut the last line, which readers skip. */
  appendEvent(event: unknown): Promise<void> {
    return appendFile(this.path('events.jsonl'), `${JSON.stringify({ time: new Date().toISOString(), ...(event as object) })}\n`);
  }
}
