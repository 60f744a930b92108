/**
 * `crucible predict MODEL INPUT --out OUTPUT`: batch prediction with onnxruntime, with a progress bar. With
 * `--shard I/N` it predicts one shard of the rows into OUTPUT.shards/ (a job array's task; `crucible merge` joins them).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { formatNames } from '../../engine/data/import/formats';
import { DOMAIN_COLUMNS } from '../../engine/vocabulary';
import {
  defaultOutputPath,
  parseShardSpec,
  predictBatch,
  predictShard,
  PROVIDER_REQUESTS,
  shardLabel,
  type PredictEvent,
  type PredictInput,
  type PredictSummary,
  type ProviderRequest,
  type ShardSpec,
} from '../../engine/infer/index';
import { parsePositiveInt } from '../options';

export interface PredictCliOptions {
  out?: string;
  provider: ProviderRequest;
  batch?: number;
  threads?: number;
  project?: string;
  table?: string;
  replace: boolean;
  formulaColumn?: string;
  keep?: string;
  shard?: ShardSpec;
}

/** Failures listed on the terminal before "and N more". */
const SHOWN_FAILURES = 10;

function parseProvider(value: string): ProviderRequest {
  if (!(PROVIDER_REQUESTS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${PROVIDER_REQUESTS.join(', ')}.`);
  return value as ProviderRequest;
}

/** A live bar on an interactive terminal; status lines always, on stderr. */
function predictProgress(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: PredictEvent) => void; stop: () => void } {
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  let bar: SingleBar | undefined;
  return {
    onEvent(e) {
      if (e.type === 'status') {
        bar?.stop();
        bar = undefined;
        stream.write(`${e.message}\n`);
        return;
      }
      if (!interactive) return;
      if (!bar) {
        bar = new SingleBar({ format: 'predicting [{bar}] {value}/{total} rows  {rate} rows/s', stream, hideCursor: true });
        bar.start(e.total, 0, { rate: 0 });
      }
      bar.update(e.done, { rate: Math.round(e.rowsPerSecond).toLocaleString('en-US') });
    },
    stop() {
      bar?.stop();
    },
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The summary line and the rows left without predictions, on stderr. */
function reportSummary(summary: PredictSummary, what: string): void {
  const where = [summary.table && `table "${summary.table}"`].filter(Boolean);
  process.stderr.write(
    `${what} in ${summary.seconds.toFixed(1)} s (${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s) on ${summary.provider === 'cuda' ? 'CUDA' : `the CPU, ${summary.threads === 1 ? '1 thread' : `${summary.threads} threads`}`}` +
      `${where.length ? `; stored as ${where.join(', ')}` : ''}.\n`,
  );
  if (summary.rowsOutsideDomain !== null)
    process.stderr.write(
      `${count(summary.rowsOutsideDomain)} of ${count(summary.rows - summary.rowsWithoutPredictions)} rows outside the training domain${summary.rowsOutsideDomain > 0 ? ` (<task>_${DOMAIN_COLUMNS.flagSuffix} false; ${DOMAIN_COLUMNS.note} says why)` : ''}.\n`,
    );
  if (summary.failureCount > 0) {
    process.stderr.write(`${count(summary.failureCount)} row(s) left without predictions (written with empty cells):\n`);
    for (const f of summary.failures.slice(0, SHOWN_FAILURES)) process.stderr.write(`  row ${f.row}${f.column ? `, column "${f.column}"` : ''}: ${f.reason}\n`);
    if (summary.failureCount > SHOWN_FAILURES) process.stderr.write(`  … and ${count(summary.failureCount - SHOWN_FAILURES)} more\n`);
  }
}

/** One shard: its rows file on stdout, whether it was predicted or found complete on stderr. */
async function runShard(job: PredictInput, shard: ShardSpec, ctx: { emit: (e: PredictEvent) => void; signal: AbortSignal }, stop: () => void) {
  const result = await predictShard({ ...job, shard }, ctx);
  stop();
  const { manifest } = result;
  const rows = `${count(manifest.rows)} of ${count(manifest.inputRows)} rows`;
  if (result.summary) reportSummary(result.summary, `Shard ${shardLabel(shard)}: predicted ${rows}`);
  else process.stderr.write(`Shard ${shardLabel(shard)} (${rows}) was complete already (${manifest.writtenAt}); skipped.\n`);
  process.stdout.write(`${result.file}\n`);
}

/** --keep's column list. */
export const keptColumns = (text: string): string[] =>
  text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);

/** How rows are read and predicted, shared with `crucible slurm predict`. */
export function addPredictRowOptions(command: Command): Command {
  return command
    .option('--provider <p>', 'auto | cuda | cpu', parseProvider, 'auto')
    .option('--batch <n>', 'rows per onnxruntime call (default 4096)', parsePositiveInt)
    .option('--formula-column <column>', 'column holding chemical formulas (default: the training one, or "formula")')
    .option('--keep <columns>', 'comma-separated input columns to copy into the output (default: every input column)');
}

/** Those options again as arguments, for the tasks of a job array. */
export function predictRowArgs(opts: Pick<PredictCliOptions, 'provider' | 'batch' | 'formulaColumn' | 'keep'>): string[] {
  return [
    '--provider',
    opts.provider,
    ...(opts.batch ? ['--batch', String(opts.batch)] : []),
    ...(opts.formulaColumn ? ['--formula-column', opts.formulaColumn] : []),
    ...(opts.keep ? ['--keep', opts.keep] : []),
  ];
}

export function registerPredict(program: Command): void {
  const command = program
    .command('predict')
    .description(`predict every row of a ${formatNames()} file with a bundle or a training run`)
    .argument('<model>', '.crucible bundle, training run folder, or (with --project) a project model name')
    .argument('<input>', `${formatNames()} file with a formula column and/or the descriptor columns`)
    .option('--out <file>', 'predictions file, .csv or .parquet (default: <input>.predictions.csv beside the input, never replacing one)');
  addPredictRowOptions(command)
    .option('--threads <n>', 'CPU threads for onnxruntime (default: all cores)', parsePositiveInt)
    .option('--project <dir>', 'also store the predictions as a table of this project')
    .option('--table <name>', 'project table name (default: <input>_predictions)')
    .option('--replace', 'replace a project table of the same name', false)
    .option('--shard <i/n>', 'predict only shard I of N (I from 0) into <out>.shards/, skipped when complete; join with `crucible merge <out>`', parseShardSpec)
    .action(async (model: string, input: string, opts: PredictCliOptions) => {
      const progress = predictProgress();
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const job: PredictInput = {
        model,
        input,
        // Without --out the predictions go beside the input (unless a project table is all that is asked for), and never replace a file there.
        output: opts.out ?? (opts.project || opts.shard ? undefined : defaultOutputPath(input)),
        overwrite: opts.out !== undefined,
        provider: opts.provider,
        batchSize: opts.batch,
        threads: opts.threads,
        project: opts.project,
        table: opts.table,
        replace: opts.replace,
        formulaColumn: opts.formulaColumn,
        keep: opts.keep === undefined ? undefined : keptColumns(opts.keep),
      };
      const ctx = { emit: progress.onEvent, signal: controller.signal };
      try {
        if (opts.shard) return await runShard(job, opts.shard, ctx, () => progress.stop());
        const summary = await predictBatch(job, ctx);
        progress.stop();
        if (summary.output) process.stdout.write(`${summary.output}\n`);
        reportSummary(summary, `Predicted ${count(summary.rows)} rows`);
      } finally {
        progress.stop();
      }
    });
}
