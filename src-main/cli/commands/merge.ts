/** `crucible merge OUTPUT`: joins the shards `crucible predict --shard I/N --out OUTPUT` wrote into OUTPUT, in input order. */
import type { Command } from 'commander';
import { mergeShards, SHARDS_SUFFIX } from '../../engine/infer/index';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(`join the shards of a sharded prediction (<output>${SHARDS_SUFFIX}/) into <output>, checking none is missing or repeated`)
    .argument('<output>', 'the --out of the sharded `crucible predict`, .csv or .parquet')
    .action(async (output: string) => {
      const summary = await mergeShards(output);
      process.stdout.write(`${summary.output}\n`);
      const rows = summary.rows.toLocaleString('en-US');
      const empty = summary.rowsWithoutPredictions > 0 ? `; ${summary.rowsWithoutPredictions.toLocaleString('en-US')} row(s) without predictions` : '';
      process.stderr.write(`Merged ${summary.shards} shards (${rows} rows) in ${summary.seconds.toFixed(1)} s${empty}.\n`);
    });
}
