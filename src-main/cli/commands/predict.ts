/** `crucible predict MODEL INPUT --out OUTPUT`: batch prediction with onnxruntime, with a progress bar. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { formatNames } from '../../engine/data/import/formats';
import { PROVIDER_REQUESTS, predictBatch, type PredictEvent, type ProviderRequest } from '../../engine/infer/index';
import { parsePositiveInt } from '../options';

interface PredictCliOptions {
  out?: string;
  provider: ProviderRequest;
  batch?: number;
  threads?: number;
  project?: string;
  table?: string;
  replace: boolean;
  formulaColumn?: string;
  keep?: string;
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

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description(`predict every row of a ${formatNames()} file with a bundle or a training run`)
    .argument('<model>', '.crucible bundle, training run folder, or (with --project) a project model name')
    .argument('<input>', `${formatNames()} file with a formula column and/or the descriptor columns`)
    .option('--out <file>', 'predictions file, .csv or .parquet (optional with --project)')
    .option('--provider <p>', 'auto | cuda | cpu', parseProvider, 'auto')
    .option('--batch <n>', 'rows per onnxruntime call (default 4096)', parsePositiveInt)
    .option('--threads <n>', 'CPU threads for onnxruntime (default: all cores)', parsePositiveInt)
    .option('--project <dir>', 'also store the predictions as a table of this project')
    .option('--table <name>', 'project table name (default: <input>_predictions)')
    .option('--replace', 'replace a project table of the same name', false)
    .option('--formula-column <column>', 'column holding chemical formulas (default: the training one, or "formula")')
    .option('--keep <columns>', 'comma-separated input columns to copy into the output (default: text and id columns)')
    .action(async (model: string, input: string, opts: PredictCliOptions) => {
      const progress = predictProgress();
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      try {
        const summary = await predictBatch(
          {
            model,
            input,
            output: opts.out,
            provider: opts.provider,
            batchSize: opts.batch,
            threads: opts.threads,
            project: opts.project,
            table: opts.table,
            replace: opts.replace,
            formulaColumn: opts.formulaColumn,
            keep: opts.keep
              ?.split(',')
              .map((c) => c.trim())
              .filter(Boolean),
          },
          { emit: progress.onEvent, signal: controller.signal },
        );
        progress.stop();
        if (summary.output) process.stdout.write(`${summary.output}\n`);
        const where = [summary.table && `table "${summary.table}"`].filter(Boolean);
        process.stderr.write(
          `Predicted ${summary.rows.toLocaleString('en-US')} rows in ${summary.seconds.toFixed(1)} s (${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s) on ${summary.provider === 'cuda' ? 'CUDA' : `the CPU, ${summary.threads === 1 ? '1 thread' : `${summary.threads} threads`}`}` +
            `${where.length ? `; stored as ${where.join(', ')}` : ''}.\n`,
        );
        if (summary.failureCount > 0) {
          process.stderr.write(`${summary.failureCount.toLocaleString('en-US')} row(s) left without predictions (written with empty cells):\n`);
          for (const f of summary.failures.slice(0, SHOWN_FAILURES))
            process.stderr.write(`  row ${f.row}${f.column ? `, column "${f.column}"` : ''}: ${f.reason}\n`);
          if (summary.failureCount > SHOWN_FAILURES) process.stderr.write(`  … and ${(summary.failureCount - SHOWN_FAILURES).toLocaleString('en-US')} more\n`);
        }
      } finally {
        progress.stop();
      }
    });
}
