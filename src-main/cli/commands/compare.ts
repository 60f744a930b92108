/** `crucible compare CONFIG`: the multi-task model under several weighting strategies against single-task models, per task. */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_COMPARE_STRATEGIES, parseStrategies, runCompare, type CompareReport } from '../../engine/studies/compare';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt } from '../options';

interface CompareCliOptions {
  strategies: string[];
  seeds: number;
  maxEpochs?: number;
  out?: string;
  affinity?: number | true;
}

const fmt = (v: number | null, digits = 4) => (v === null ? '—' : v.toPrecision(digits));

/** The report as an aligned text table: per task the STL value, then each strategy's value, gain and flag. */
export function compareText(report: CompareReport): string {
  const lines = [['task', 'metric', 'STL', ...report.strategies]];
  for (const t of report.tasks) {
    const cell = (mean: number | null, std: number | null) => `${fmt(mean)}${std === null ? '' : ` ± ${fmt(std, 2)}`}`;
    lines.push([
      t.task,
      t.metric,
      cell(t.stl.mean, t.stl.std),
      ...report.strategies.map((s) => {
        const c = t.strategies[s];
        return `${cell(c.mean, c.std)} (${c.gainPct === null ? '—' : `${c.gainPct >= 0 ? '+' : ''}${c.gainPct.toFixed(1)}%`})${c.negativeTransfer ? ' NT' : ''}`;
      }),
    ]);
  }
  return alignColumns(lines);
}

/** Rows of cells as text with every column padded to its widest cell. */
export function alignColumns(lines: readonly string[][]): string {
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  return lines
    .map((l) =>
      l
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('train the multi-task model under each weighting strategy and one single-task model per task; report the gain and negative transfer')
    .argument('<config>', 'run configuration (YAML)')
    .option('--strategies <list>', 'weighting strategies, comma-separated', parseStrategies, DEFAULT_COMPARE_STRATEGIES)
    .option('--seeds <n>', 'seeds per model', parsePositiveInt, 3)
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--out <dir>', 'folder for the runs and compare.csv (default: ./runs/compare-<time>)')
    .option('--affinity [every]', 'record task affinity in the multi-task runs, every N steps (default 10)', parsePositiveInt)
    .action(async (configPath: string, opts: CompareCliOptions) => {
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs }, onNotice: (n) => process.stderr.write(`note: ${n.message}\n`) });
      process.stderr.write('Loading data…\n');
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), 'compare');
      await mkdir(outDir, { recursive: true });
      const tasks = config.tasks.filter((t) => t.enabled && t.weight > 0).length;
      const runs = (opts.strategies.length + tasks) * opts.seeds;
      process.stderr.write(`Comparing ${opts.strategies.join(', ')} with ${tasks} single-task models × ${opts.seeds} seed(s): ${runs} runs, 2 at a time\n`);
      let finished = 0;
      const report = await runCompare(config, data, {
        strategies: opts.strategies,
        seeds: opts.seeds,
        outDir,
        affinity: opts.affinity === undefined ? undefined : opts.affinity === true ? {} : { every: opts.affinity },
        onEvent: (run, e) => {
          if (e.type === 'done') process.stderr.write(`  [${++finished}/${runs}] ${run.name}, seed ${run.seed}: ${e.summary.epochsRun} epochs\n`);
        },
      });
      process.stdout.write(`${compareText(report)}\n`);
      process.stdout.write('NT = negative transfer: multi-task worse than single-task by more than the pooled seed std.\n');
      process.stdout.write(`table: ${join(outDir, 'compare.csv')}\n`);
    });
}
