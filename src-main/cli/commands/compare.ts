/** `crucible compare CONFIG`: the multi-task model under several weighting strategies against single-task models, per task (or one run, or the tables: study-steps.ts). */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  compareRunInput,
  compareRuns,
  DEFAULT_COMPARE_STRATEGIES,
  finishCompare,
  parseStrategies,
  runCompare,
  type CompareReport,
} from '../../engine/studies/compare';
import { collectRuns } from '../../engine/studies/study-runs';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt } from '../options';
import { addStudyStepOptions, checkStudySteps, trainOneStudyRun, type StudyStepOptions } from '../study-steps';

export interface CompareCliOptions {
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

/** The study's own options, shared with `crucible slurm compare`. */
export function addCompareOptions(command: Command): Command {
  return command
    .argument('<config>', 'run configuration (YAML)')
    .option('--strategies <list>', 'weighting strategies, comma-separated', parseStrategies, DEFAULT_COMPARE_STRATEGIES)
    .option('--seeds <n>', 'seeds per model', parsePositiveInt, 3)
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--affinity [every]', 'record task affinity in the multi-task runs, every N steps (default 10)', parsePositiveInt);
}

/** The options again as arguments, for the steps of a job array. */
export function compareArgs(opts: CompareCliOptions): string[] {
  return [
    '--strategies',
    opts.strategies.join(','),
    '--seeds',
    String(opts.seeds),
    ...(opts.maxEpochs ? ['--max-epochs', String(opts.maxEpochs)] : []),
    ...(opts.affinity === true ? ['--affinity'] : opts.affinity ? ['--affinity', String(opts.affinity)] : []),
  ];
}

/** The engine's options from the command line's. */
export function compareOptions(opts: CompareCliOptions, outDir: string) {
  return {
    strategies: opts.strategies,
    seeds: opts.seeds,
    outDir,
    affinity: opts.affinity === undefined ? undefined : opts.affinity === true ? {} : { every: opts.affinity },
  };
}

export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description('train the multi-task model under each weighting strategy and one single-task model per task; report the gain and negative transfer');
  addStudyStepOptions(addCompareOptions(command).option('--out <dir>', 'folder for the runs and compare.csv (default: ./runs/compare-<time>)')).action(
    async (configPath: string, opts: CompareCliOptions & StudyStepOptions) => {
      checkStudySteps(opts);
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs }, onNotice: (n) => process.stderr.write(`note: ${n.message}\n`) });
      process.stderr.write('Loading data…\n');
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), 'compare');
      await mkdir(outDir, { recursive: true });
      const study = compareOptions(opts, outDir);
      const grid = compareRuns(config, study);
      if (opts.runIndex !== undefined) return trainOneStudyRun(grid, opts.runIndex, (run) => compareRunInput(config, data, run));
      let report: CompareReport;
      if (opts.collect) report = await finishCompare(config, study, grid, await collectRuns(grid));
      else {
        const tasks = config.tasks.filter((t) => t.enabled && t.weight > 0).length;
        process.stderr.write(
          `Comparing ${opts.strategies.join(', ')} with ${tasks} single-task models × ${opts.seeds} seed(s): ${grid.length} runs, 2 at a time\n`,
        );
        let finished = 0;
        report = await runCompare(config, data, {
          ...study,
          onEvent: (run, e) => {
            if (e.type === 'done') process.stderr.write(`  [${++finished}/${grid.length}] ${run.name}, seed ${run.seed}: ${e.summary.epochsRun} epochs\n`);
          },
        });
      }
      process.stdout.write(`${compareText(report)}\n`);
      process.stdout.write('NT = negative transfer: multi-task worse than single-task by more than the pooled seed std.\n');
      process.stdout.write(`table: ${join(outDir, 'compare.csv')}\n`);
    },
  );
}
