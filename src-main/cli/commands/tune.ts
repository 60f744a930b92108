/** `crucible tune CONFIG --budget N`: random search with successive halving, two trainings at a time; resumable. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { halvingSchedule } from '../../engine/studies/tune/halving';
import { SCORE_DESCRIPTION } from '../../engine/studies/tune/score';
import { describeSearchSpace } from '../../engine/studies/tune/space';
import { BEST_FILE, RESULTS_FILE, runTune, TUNE_FILE, type TuneRecord } from '../../engine/studies/tune/tune';
import type { BackendRequest } from '../../engine/model/backend';
import { createRunDir } from '../../engine/train/run-dir';
import { parseBackend, parsePositiveInt, parseSeed } from '../options';

interface TuneOptions {
  budget: number;
  out?: string;
  maxEpochs?: number;
  seed?: number;
  backend?: BackendRequest;
}

const HELP = `
Search space (every trial is the config with these keys set; the seed picks the samples):
${describeSearchSpace()}

Successive halving, η = 3: all N configurations train a few epochs, the best third by validation score train
three times longer, and so on up to trainer.max_epochs; each training starts afresh in its own run folder.
The score: ${SCORE_DESCRIPTION}; the test split is reported, never used to choose.

The --out folder gets one run folder per trial and rung (r<rung>-t<trial>), ${TUNE_FILE}, ${RESULTS_FILE} and
${BEST_FILE} (the best configuration at full length: crucible train ${BEST_FILE}). Rerunning the same command with
the same --out reuses the finished trainings and continues.`;

/** A sampled value: small rates in exponent form, as the --help table writes them. */
const param = (v: number) => (v !== 0 && v < 1e-3 ? v.toExponential() : String(v));
const epochs = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '-' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4));

/** The table of every training, best first, with each task's headline test metric. */
function printTable(records: readonly TuneRecord[], tasks: { name: string; kind: string }[]): void {
  const headline = (kind: string) => (kind === 'classification' ? 'roc_auc' : 'mae');
  const header = [
    'trial',
    'rung',
    'epochs',
    'val score',
    'lr',
    'weight_decay',
    'dropout',
    'widths',
    'batch',
    ...tasks.map((t) => `test ${t.name} ${headline(t.kind)}`),
  ];
  const rows = records.map((r) => [
    String(r.trial),
    String(r.rung),
    String(r.epochs),
    r.status === 'failed' ? 'failed' : fmt(r.score),
    param(r.params.lr),
    param(r.params.weight_decay),
    String(r.params.dropout),
    r.params.widths.join('-'),
    String(r.params.batch_size),
    ...tasks.map((t) => fmt(r.test?.[t.name]?.[headline(t.kind)])),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c])).join('  ')}\n`);
}

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('search learning rate, weight decay, dropout, widths and batch size by successive halving; writes the table and best.yaml')
    .argument('<config>', 'run configuration (YAML); its trainer.max_epochs is the longest training')
    .requiredOption('--budget <n>', 'configurations to sample (the first rung), e.g. 9 or 27', parsePositiveInt)
    .option('--out <dir>', 'tune folder; an earlier tune folder continues that tune (default: ./runs/tune-<time>)')
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--seed <s>', 'override seed_everything (which also picks the samples)', parseSeed)
    .option('--backend <b>', 'auto | tensorflow | wasm | cpu', parseBackend)
    .addHelpText('after', HELP)
    .action(async (configPath: string, opts: TuneOptions) => {
      const config = await loadConfig(configPath, {
        overrides: { maxEpochs: opts.maxEpochs, seed: opts.seed, backend: opts.backend },
        onNotice: (n) => process.stderr.write(`note: ${n.message}\n`),
      });
      const schedule = halvingSchedule(opts.budget, config.trainer.maxEpochs);
      process.stderr.write(`Loading data…\n`);
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), config.name ? `tune-${config.name}` : 'tune');
      process.stderr.write(`Tune in ${outDir}: ${schedule.map((r) => `${r.trials} × ${epochs(r.epochs)}`).join(', then ')}; 2 trainings at a time\n`);
      const controller = new AbortController();
      process.once('SIGINT', () => {
        process.stderr.write('\nStopping the running trainings after this batch; rerun the same command to continue…\n');
        controller.abort();
      });
      const result = await runTune(config, data, {
        budget: opts.budget,
        outDir,
        signal: controller.signal,
        onRecord: (r, reused) => {
          const what = r.status === 'failed' ? `failed: ${r.error}` : `val score ${fmt(r.score)} (best epoch ${r.bestEpoch} of ${r.epochsRun})`;
          process.stderr.write(`  rung ${r.rung}, trial ${r.trial} (${epochs(r.epochs)}): ${what}${reused ? ' [reused]' : ''}\n`);
        },
      });
      if (result.reused > 0) process.stderr.write(`Reused ${result.reused} finished training(s), trained ${result.trained}.\n`);
      printTable(
        result.file.records,
        config.tasks.filter((t) => t.enabled),
      );
      const best = result.file.best!;
      process.stdout.write(`best: trial ${best.trial} (val score ${fmt(best.score)}), run ${join(outDir, best.runDir)}\n`);
      process.stdout.write(`config: ${join(outDir, BEST_FILE)}  table: ${join(outDir, RESULTS_FILE)}\n`);
    });
}
