/**
 * Row shards of a prediction input (`crucible predict --shard I/N`): the rows are shuffled with a fixed seed,
 * then cut into N slices of near-equal size. Shuffling first spreads long and short rows (big formulas, long
 * curves, a file sorted by size) over every shard, so the tasks of a job array take about the same time; the
 * fixed seed makes the assignment a function of the row count and N alone, so every task of an array, on any
 * machine, and every re-submission agree on it.
 */
import { RID } from '../data/import/relation';
import { quoteIdentifier } from '../data/store/identifiers';
import type { SqlConnection } from '../data/store/sql-connection';
import { CrucibleError } from '../errors';
import { deriveSeed, Rng } from '../util/random';
import type { InputTable } from './input-table';

export interface ShardSpec {
  /** 0-based, below `count`. */
  index: number;
  count: number;
}

/** The column of a shard's rows (and of its output file) holding each row's 0-based index in the whole input. */
export const INPUT_ROW = '__crucible_input_row';

const SHARD_SEED = deriveSeed(0, 'predict-shards');

const SPEC = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/** "I/N" (0 ≤ I < N), as Slurm's array index gives it: `--shard $SLURM_ARRAY_TASK_ID/4`. */
export function parseShardSpec(text: string): ShardSpec {
  const m = SPEC.exec(text);
  const hint = 'Give the shard as I/N with 0 ≤ I < N, e.g. --shard 0/4 … --shard 3/4 for four shards.';
  if (!m) throw new CrucibleError('bad-input', `"${text}" is not a shard: expected I/N.`, { hint });
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new CrucibleError('bad-input', `Shard "${text}": the number of shards must be at least 1.`, { hint });
  if (index >= count) throw new CrucibleError('bad-input', `Shard "${text}": shards are numbered from 0 to ${count - 1}.`, { hint });
  return { index, count };
}

export const shardLabel = (spec: ShardSpec): string => `${spec.index}/${spec.count}`;

/** The input rows (0-based, ascending) of shard `spec` over `rows` rows. */
export function shardRows(rows: number, spec: ShardSpec): Uint32Array {
  const order = new Rng(SHARD_SEED).permutation(rows);
  const from = Math.floor((spec.index * rows) / spec.count);
  const to = Math.floor(((spec.index + 1) * rows) / spec.count);
  return order.subarray(from, to).sort();
}

/**
 * The shard's rows of `input` as the table `table`, numbered 0..m−1 in `__rid` (what the batch reader and the
 * prediction table expect) with their index in the whole input in {@link INPUT_ROW}; spreadsheet rows in
 * messages stay those of the whole file.
 */
export async function selectShard(sql: SqlConnection, input: InputTable, spec: ShardSpec, table: string): Promise<InputTable> {
  const rows = shardRows(input.rowCount, spec);
  const map = `${table}_rows`;
  await sql.run(`CREATE TABLE ${quoteIdentifier(map)} (${RID} INTEGER, ${INPUT_ROW} INTEGER)`);
  const appender = await sql.appender(map);
  try {
    rows.forEach((row, i) => {
      appender.appendInteger(i);
      appender.appendInteger(row);
      appender.endRow();
    });
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await sql.run(
    `CREATE TABLE ${quoteIdentifier(table)} AS SELECT m.${RID}, m.${INPUT_ROW}, i.* EXCLUDE (${RID}) FROM ${quoteIdentifier(map)} m JOIN ${quoteIdentifier(input.table)} i ON i.${RID} = m.${INPUT_ROW} ORDER BY m.${RID}`,
  );
  await sql.run(`DROP TABLE ${quoteIdentifier(map)}`);
  await sql.run(`DROP TABLE ${quoteIdentifier(input.table)}`);
  const whole = input.rowNumbers;
  return {
    ...input,
    table,
    rowCount: rows.length,
    rowNumbers: { rows: (indices) => whole.rows(indices.map((i) => rows[i])) },
  };
}
