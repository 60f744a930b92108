/**
 * Where a sharded prediction writes: beside the final output OUT, the folder OUT.shards/ holds per shard its rows
 * (shard-I-of-N.parquet, written under a temporary name and renamed when complete) and then its manifest
 * (shard-I-of-N.json, written atomically after the rows). The manifest is the completion marker: a shard counts as
 * done only when its manifest names this input, this model and these options and its rows file has the size it
 * records, so a re-submitted job array skips finished shards and redoes a killed one. Parquet whatever OUT's format:
 * merging reads back exact types and strings (a CSV would be re-inferred), so the merged file is byte for byte the
 * one a single machine writes.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import type { SqlConnection } from '../data/store/sql-connection';
import { writeFileAtomic } from '../util/atomic-write';
import { ColumnRoundingSchema } from './csv-rounding';
import { sha256, sha256File } from '../util/hash';
import type { PredictionModel } from './model-source';
import type { ShardSpec } from './shard-rows';
import { copyToFile } from './write-output';

export const SHARDS_SUFFIX = '.shards';

/** What a shard's rows depend on: a shard made from other data, another model or other options is not reused. */
const FingerprintSchema = z.object({
  input: z.object({ path: z.string(), sha256: z.string() }),
  model: z.object({ label: z.string(), sha256: z.string() }),
  formulaColumn: z.string().nullable(),
  keep: z.array(z.string()).nullable(),
});
export type ShardFingerprint = z.infer<typeof FingerprintSchema>;

export const ShardManifestSchema = z.object({
  format: z.literal('crucible-predict-shard'),
  // 2: every input column kept by default, and the CSV rounding recorded; version 1 shards are predicted again.
  version: z.literal(2),
  shard: z.number().int().nonnegative(),
  shards: z.number().int().positive(),
  fingerprint: FingerprintSchema,
  /** Rows of the whole input, and of this shard. */
  inputRows: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  rowsWithoutPredictions: z.number().int().nonnegative(),
  failureCount: z.number().int().nonnegative(),
  /** How a merged CSV rounds the prediction columns (the rows file keeps full precision). */
  csvRounding: z.array(ColumnRoundingSchema),
  /** The rows file's name inside the shards folder, and its size. */
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  writtenAt: z.string(),
});
export type ShardManifest = z.infer<typeof ShardManifestSchema>;

export const shardsDir = (output: string): string => `${resolve(output)}${SHARDS_SUFFIX}`;

export function shardFiles(dir: string, spec: ShardSpec): { rows: string; manifest: string } {
  const base = join(dir, `shard-${spec.index}-of-${spec.count}`);
  return { rows: `${base}.parquet`, manifest: `${base}.json` };
}

export async function shardFingerprint(input: string, model: PredictionModel, opts: { formulaColumn?: string; keep?: string[] }): Promise<ShardFingerprint> {
  const path = resolve(input);
  return {
    input: { path, sha256: await sha256File(path) },
    model: { label: model.label, sha256: sha256(model.onnx) },
    formulaColumn: opts.formulaColumn ?? null,
    keep: opts.keep ?? null,
  };
}

/** Same data, model and options; paths and labels may differ (a moved file is the same file). */
export function sameFingerprint(a: ShardFingerprint, b: ShardFingerprint): boolean {
  return (
    a.input.sha256 === b.input.sha256 &&
    a.model.sha256 === b.model.sha256 &&
    a.formulaColumn === b.formulaColumn &&
    JSON.stringify(a.keep) === JSON.stringify(b.keep)
  );
}

export async function readShardManifest(path: string): Promise<ShardManifest | null> {
  try {
    const parsed = ShardManifestSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether the rows file a manifest records is there, whole. */
export function rowsFilePresent(dir: string, manifest: ShardManifest): boolean {
  const path = join(dir, manifest.file);
  return existsSync(path) && statSync(path).size === manifest.bytes;
}

/** The manifest of shard `spec` in `dir` when that shard is complete for `fingerprint`, else null. */
export async function completeShard(dir: string, spec: ShardSpec, fingerprint: ShardFingerprint): Promise<ShardManifest | null> {
  const manifest = await readShardManifest(shardFiles(dir, spec).manifest);
  if (!manifest || manifest.shard !== spec.index || manifest.shards !== spec.count) return null;
  return sameFingerprint(manifest.fingerprint, fingerprint) && rowsFilePresent(dir, manifest) ? manifest : null;
}

/** Every manifest in the shards folder `dir` that can be read (none when the folder is missing). */
export async function listShardManifests(dir: string): Promise<ShardManifest[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => /^shard-\d+-of-\d+\.json$/.test(n)).sort();
  const manifests = await Promise.all(names.map((n) => readShardManifest(join(dir, n))));
  return manifests.filter((m): m is ShardManifest => m !== null);
}

/** What a shard's manifest records of its rows besides the file: counts, and the rounding a merged CSV applies. */
export type ShardCounts = Pick<ShardManifest, 'inputRows' | 'rows' | 'rowsWithoutPredictions' | 'failureCount' | 'csvRounding'>;

/**
 * Writes the rows of `select` as shard `spec` of `dir`, then its manifest. The old manifest goes first, so a crash
 * at any point leaves the shard incomplete rather than an old marker beside new rows.
 */
export async function writeShard(
  sql: SqlConnection,
  select: string,
  dir: string,
  spec: ShardSpec,
  fingerprint: ShardFingerprint,
  counts: ShardCounts,
): Promise<ShardManifest> {
  const files = shardFiles(dir, spec);
  await rm(files.manifest, { force: true });
  // Temporary files of a task that was killed while writing (see copyToFile).
  const leftover = `.${basename(files.rows)}.`;
  for (const name of await readdir(dir)) if (name.startsWith(leftover) && name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
  await copyToFile(sql, select, files.rows, 'parquet');
  const manifest: ShardManifest = {
    format: 'crucible-predict-shard',
    version: 2,
    shard: spec.index,
    shards: spec.count,
    fingerprint,
    ...counts,
    file: basename(files.rows),
    bytes: statSync(files.rows).size,
    writtenAt: new Date().toISOString(),
  };
  await writeFileAtomic(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
