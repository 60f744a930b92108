/**
 * `crucible merge OUT`: joins the shards in OUT.shards/ (shard-output.ts) into OUT, in input order, after checking
 * that they are all there, come from one input, one model and one set of options, and cover every input row exactly
 * once. DuckDB reads the shards' Parquet files and writes OUT the way a single-machine prediction does (copyToFile),
 * so the merged file is the one `crucible predict` without --shard writes.
 */
import { basename, join } from 'node:path';
import { quoteLiteral } from '../data/store/identifiers';
import { DataStore } from '../data/store/data-store';
import type { SqlConnection } from '../data/store/sql-connection';
import { CrucibleError } from '../errors';
import { listShardManifests, rowsFilePresent, sameFingerprint, shardsDir, type ShardManifest } from './shard-output';
import { INPUT_ROW } from './shard-rows';
import { roundedSelect } from './csv-rounding';
import { checkOutputPath, copyToFile } from './write-output';

export interface MergeSummary {
  output: string;
  shards: number;
  rows: number;
  /** Rows without any prediction, and all reported failures, over every shard. */
  rowsWithoutPredictions: number;
  failureCount: number;
  seconds: number;
}

const listed = (indices: readonly number[], count: number) => indices.map((i) => `${i}/${count}`).join(', ');

/** One shard per index 0..N−1, all of one split and one fingerprint; throws naming what is missing or mixed. */
function checkComplete(dir: string, output: string, manifests: readonly ShardManifest[]): ShardManifest[] {
  const name = basename(output);
  if (manifests.length === 0)
    throw new CrucibleError('not-found', `There are no shards of ${name} in ${dir}.`, {
      hint: `Predict them first: crucible predict MODEL INPUT --out ${name} --shard I/N, for I = 0 … N−1.`,
    });
  const counts = [...new Set(manifests.map((m) => m.shards))].sort((a, b) => a - b);
  if (counts.length > 1)
    throw new CrucibleError('bad-input', `${dir} holds shards of ${counts.length} different splits (into ${counts.join(' and ')} shards).`, {
      hint: 'Delete the shard-I-of-N files of the split you no longer use, then merge again.',
    });
  const count = counts[0];
  const first = manifests[0];
  const foreign = manifests.filter((m) => !sameFingerprint(m.fingerprint, first.fingerprint)).map((m) => m.shard);
  if (foreign.length > 0)
    throw new CrucibleError(
      'bad-input',
      `Shard(s) ${listed(foreign, count)} of ${name} were predicted from another input, model or options than shard ${first.shard}/${count}.`,
      {
        hint: 'Predict every shard with the same command (only --shard differs); finished shards of the current command are kept.',
      },
    );
  const byIndex = new Map(manifests.filter((m) => rowsFilePresent(dir, m)).map((m) => [m.shard, m]));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new CrucibleError(
      'not-found',
      `Shard${missing.length === 1 ? '' : 's'} ${listed(missing, count)} of ${name} ${missing.length === 1 ? 'is' : 'are'} missing or incomplete.`,
      {
        hint: `Predict ${missing.length === 1 ? 'it' : 'them'} with the same command and --shard I/${count} (or submit the Slurm array again: finished shards are skipped), then merge.`,
      },
    );
  return [...byIndex.values()].sort((a, b) => a.shard - b.shard);
}

/** Throws when the shards' rows are not each input row exactly once. */
async function checkRows(sql: SqlConnection, files: readonly string[], shards: readonly ShardManifest[]): Promise<void> {
  const all = `read_parquet([${files.map(quoteLiteral).join(', ')}])`;
  const [stats] = await sql.rows<{ n: number; distinct_rows: number; low: number | null; high: number | null }>(
    `SELECT count(*) AS n, count(DISTINCT ${INPUT_ROW}) AS distinct_rows, min(${INPUT_ROW}) AS low, max(${INPUT_ROW}) AS high FROM ${all}`,
  );
  const inputRows = shards[0].inputRows;
  const count = shards[0].shards;
  if (stats.n !== stats.distinct_rows) {
    const rows = (await sql.rows<{ r: number }>(`SELECT ${INPUT_ROW} AS r FROM ${all} GROUP BY r HAVING count(*) > 1 ORDER BY r LIMIT 5`)).map((x) => x.r);
    const holders: number[] = [];
    for (const [i, file] of files.entries()) {
      const hits = await sql.value<number>(`SELECT count(*) FROM read_parquet(${quoteLiteral(file)}) WHERE ${INPUT_ROW} IN (${rows.join(', ')})`);
      if (hits > 0) holders.push(shards[i].shard);
    }
    throw new CrucibleError('bad-input', `Input row(s) ${rows.join(', ')} appear more than once, in shards ${listed(holders, count)}.`, {
      hint: 'Shard files were changed or copied in by hand: delete those shards and predict them again.',
    });
  }
  if (stats.n !== inputRows || stats.low !== (inputRows > 0 ? 0 : null) || stats.high !== (inputRows > 0 ? inputRows - 1 : null))
    throw new CrucibleError('bad-input', `The shards hold ${stats.n} distinct rows of an input of ${inputRows}.`, {
      hint: 'Shard files were changed by hand: delete the shards folder and predict again.',
    });
}

export async function mergeShards(output: string): Promise<MergeSummary> {
  const started = performance.now();
  const dir = shardsDir(output);
  const shards = checkComplete(dir, output, await listShardManifests(dir));
  const out = checkOutputPath(output, shards[0].fingerprint.input.path);
  const files = shards.map((m) => join(dir, m.file));
  const store = await DataStore.inMemory();
  try {
    await store.transaction(async (sql) => {
      await checkRows(sql, files, shards);
      const rows = `SELECT * EXCLUDE (${INPUT_ROW}) FROM read_parquet([${files.map(quoteLiteral).join(', ')}]) ORDER BY ${INPUT_ROW}`;
      await copyToFile(sql, out.format === 'csv' ? roundedSelect(rows, shards[0].csvRounding) : rows, out.path, out.format);
    });
  } finally {
    await store.close();
  }
  const sum = (key: 'rowsWithoutPredictions' | 'failureCount') => shards.reduce((a, m) => a + m[key], 0);
  return {
    output: out.path,
    shards: shards.length,
    rows: shards[0].inputRows,
    rowsWithoutPredictions: sum('rowsWithoutPredictions'),
    failureCount: sum('failureCount'),
    seconds: (performance.now() - started) / 1000,
  };
}
