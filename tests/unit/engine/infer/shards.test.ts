/** Row shards of a prediction: a seeded, balanced assignment; shards that merge into exactly the single-machine file; idempotent re-runs. */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataStore } from '../../../../src-main/engine/data/store/data-store';
import { exportBundle } from '../../../../src-main/engine/export/bundle/index';
import { mergeShards, parseShardSpec, predictBatch, predictShard, shardRows, shardsDir, type PredictInput } from '../../../../src-main/engine/infer/index';
import { runCli } from '../../../helpers/cli';
import { dataSet, scratchDir } from '../../../helpers/paths';
import { GAP_RUN, trainRun } from '../export/bundle/trained-runs';

const ctx = { emit: () => {}, signal: new AbortController().signal };
const SHARDS = 4;

describe('prediction shards', () => {
  const scratch = scratchDir('crucible-shards-');
  const input = dataSet('matbench_expt_gap', 'expt_gap.csv');
  let bundle: string;
  const job = (output: string, extra: Partial<PredictInput> = {}): PredictInput => ({ model: bundle, input, output, threads: 1, ...extra });
  const predictAll = async (output: string, extra: Partial<PredictInput> = {}) => {
    const results = [];
    for (let index = 0; index < SHARDS; index++) results.push(await predictShard({ ...job(output, extra), shard: { index, count: SHARDS } }, ctx));
    return results;
  };
  beforeAll(async () => {
    const run = await trainRun(GAP_RUN, join(scratch.dir, 'run'));
    bundle = (await exportBundle(run, join(scratch.dir, 'gap.crucible'))).file;
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it('reads I/N and refuses shards that do not exist, with a hint', () => {
    expect(parseShardSpec('3/4')).toEqual({ index: 3, count: 4 });
    expect(parseShardSpec(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(() => parseShardSpec('3/2')).toThrow(/numbered from 0 to 1\./);
    expect(() => parseShardSpec('0/0')).toThrow(/at least 1\./);
    expect(() => parseShardSpec('-1/4')).toThrow(/expected I\/N/);
    expect(() => parseShardSpec('1-4')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^Give the shard as I\/N with 0 ≤ I < N/) }));
  });

  it('deals every row to exactly one shard, in near-equal shuffled slices that depend on N alone', () => {
    const n = 1003;
    const shards = Array.from({ length: 7 }, (_, index) => shardRows(n, { index, count: 7 }));
    const all = shards.flatMap((s) => [...s]).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const s of shards) expect(s.length === 143 || s.length === 144).toBe(true);
    // Ascending within a shard, but not a contiguous block of the file.
    expect([...shards[2]]).toEqual([...shards[2]].sort((a, b) => a - b));
    expect(shards[2].at(-1)! - shards[2][0]).toBeGreaterThan(n / 2);
    expect(shardRows(n, { index: 2, count: 7 })).toEqual(shards[2]);
    // More shards than rows: some shards are empty.
    expect([0, 1, 2].map((index) => shardRows(2, { index, count: 3 }).length)).toEqual([0, 1, 1]);
  });

  it('merges shards 0/4 … 3/4 of a real data set into exactly the single-machine prediction, CSV and Parquet', async () => {
    const single = join(scratch.dir, 'single.csv');
    const whole = await predictBatch(job(single), ctx);
    const sharded = join(scratch.dir, 'sharded.csv');
    const results = await predictAll(sharded);
    expect(results.map((r) => r.skipped)).toEqual([false, false, false, false]);
    expect(results.reduce((a, r) => a + r.manifest.rows, 0)).toBe(whole.rows);
    expect(results.every((r) => r.manifest.inputRows === whole.rows)).toBe(true);
    const merged = await mergeShards(sharded);
    expect(merged).toMatchObject({ output: sharded, shards: SHARDS, rows: whole.rows, rowsWithoutPredictions: whole.rowsWithoutPredictions });
    expect(readFileSync(sharded, 'utf8')).toBe(readFileSync(single, 'utf8'));

    // The same shards, merged into Parquet, are the single-machine Parquet file's rows.
    const parquet = join(scratch.dir, 'single.parquet');
    await predictBatch(job(parquet), ctx);
    const shardedParquet = join(scratch.dir, 'sharded.parquet');
    await predictAll(shardedParquet);
    await mergeShards(shardedParquet);
    const store = await DataStore.inMemory();
    try {
      const read = (f: string) => store.sql.rows(`SELECT * FROM read_parquet('${f}')`);
      const [a, b] = [await read(parquet), await read(shardedParquet)];
      expect(b).toHaveLength(whole.rows);
      expect(b).toEqual(a);
    } finally {
      await store.close();
    }
  });

  it('skips a complete shard, redoes one whose marker or rows are gone, and never reuses shards of other options', async () => {
    const out = join(scratch.dir, 'again.csv');
    await predictAll(out);
    const dir = shardsDir(out);
    const mtime = (f: string) => statSync(join(dir, f)).mtimeMs;
    const before = readdirSync(dir).map((f) => [f, mtime(f)]);
    const again = await predictAll(out);
    expect(again.map((r) => r.skipped)).toEqual([true, true, true, true]);
    expect(readdirSync(dir).map((f) => [f, mtime(f)])).toEqual(before);

    // A task killed while writing: its rows under a temporary name, no marker.
    rmSync(join(dir, 'shard-1-of-4.json'));
    writeFileSync(join(dir, '.shard-1-of-4.parquet.dead.tmp'), 'cut short');
    // A rows file cut short after its marker was written.
    writeFileSync(join(dir, 'shard-2-of-4.parquet'), 'cut short');
    await expect(mergeShards(out)).rejects.toThrow(/^Shards 1\/4, 2\/4 of again\.csv are missing or incomplete\./);
    const redo = await predictAll(out);
    expect(redo.map((r) => r.skipped)).toEqual([true, false, false, true]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(mtime('shard-0-of-4.parquet')).toBe(before.find(([f]) => f === 'shard-0-of-4.parquet')![1]);
    await mergeShards(out);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(scratch.dir, 'single.csv'), 'utf8'));

    const kept = await predictShard({ ...job(out, { keep: ['formula', 'band_gap_eV'] }), shard: { index: 0, count: SHARDS } }, ctx);
    expect(kept.skipped).toBe(false);
    await expect(mergeShards(out)).rejects.toThrow(/^Shard\(s\) 1\/4, 2\/4, 3\/4 of again\.csv were predicted from another input, model or options/);
  });

  it('refuses a missing shard and a mix of splits by name, and bad --shard values in one line', async () => {
    const out = join(scratch.dir, 'partial.csv');
    await predictShard({ ...job(out), shard: { index: 0, count: 3 } }, ctx);
    await predictShard({ ...job(out), shard: { index: 2, count: 3 } }, ctx);
    await expect(mergeShards(out)).rejects.toThrow(
      expect.objectContaining({ message: 'Shard 1/3 of partial.csv is missing or incomplete.', hint: expect.stringContaining('--shard I/3') }),
    );
    await predictShard({ ...job(out), shard: { index: 0, count: 2 } }, ctx);
    await expect(mergeShards(out)).rejects.toThrow(/holds shards of 2 different splits \(into 2 and 3 shards\)/);
    await expect(mergeShards(join(scratch.dir, 'none.csv'))).rejects.toThrow(/There are no shards of none\.csv/);
    await expect(predictShard({ ...job(out), project: scratch.dir, shard: { index: 0, count: 2 } }, ctx)).rejects.toThrow(/not to a project table/);

    const bad = runCli(['predict', bundle, input, '--out', out, '--shard', '3/2']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'crucible: Shard "3/2": shards are numbered from 0 to 1. Give the shard as I/N with 0 ≤ I < N, e.g. --shard 0/4 … --shard 3/4 for four shards.\n',
    );
    const missing = runCli(['merge', out]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^crucible: .*holds shards of 2 different splits/);
  });
});
