/** `crucible group CONFIG --k K`: soft task groups from data maps (STG-MTL), optionally one membership-weighted model per group. */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { FUZZY_DEFAULTS } from '../../engine/analysis/fuzzy-cmeans';
import { runGroupStudy, type GroupStudy } from '../../engine/studies/grouping';
import { loadConfig } from '../../engine/config/index';
import { loadRunData } from '../../engine/data/load-run-data';
import { createRunDir } from '../../engine/train/run-dir';
import { parsePositiveInt } from '../options';
import { alignColumns } from './compare';

interface GroupCliOptions {
  k: number;
  m: number;
  method: 'kmeans' | 'fcm';
  maxEpochs?: number;
  train: boolean;
  minMembership: number;
  fromRun?: string;
  out?: string;
  affinity?: number | true;
}

function parseFuzziness(value: string): number {
  const m = Number(value);
  if (!(m > 1) || !Number.isFinite(m)) throw new InvalidArgumentError('expected a number above 1, e.g. 1.07 or 2.');
  return m;
}

function parseMethod(value: string): 'kmeans' | 'fcm' {
  if (value !== 'kmeans' && value !== 'fcm') throw new InvalidArgumentError('expected kmeans or fcm.');
  return value;
}

function parseMembership(value: string): number {
  const v = Number(value);
  if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1.');
  return v;
}

/** The membership matrix as aligned text, each task's strongest group marked. */
export function membershipText(study: GroupStudy): string {
  const g = study.grouping;
  const header = ['task', ...g.memberships[0].map((_, i) => `group ${i + 1}`)];
  const rows = g.tasks.map((t, i) => {
    const best = g.memberships[i].indexOf(Math.max(...g.memberships[i]));
    return [t, ...g.memberships[i].map((u, j) => `${u.toFixed(3)}${j === best ? '*' : ''}`)];
  });
  return alignColumns([header, ...rows]);
}

export function registerGroup(program: Command): void {
  program
    .command('group')
    .description('group tasks by their data maps with fuzzy c-means (STG-MTL); --train fits one membership-weighted model per group')
    .argument('<config>', 'run configuration (YAML)')
    .requiredOption('--k <k>', 'number of groups', parsePositiveInt)
    .option('--m <m>', 'fuzziness of the memberships (STG-MTL: 1.07)', parseFuzziness, FUZZY_DEFAULTS.m)
    .option(
      '--method <method>',
      'kmeans: memberships from k-means centres (STG-MTL default); fcm: fuzzy c-means iterations',
      parseMethod,
      FUZZY_DEFAULTS.method,
    )
    .option('--max-epochs <n>', 'override trainer.max_epochs', parsePositiveInt)
    .option('--train', 'train one model per group, each task weighted by its membership', false)
    .option('--min-membership <u>', 'leave a task out of a group model below this membership', parseMembership, 0.01)
    .option('--from-run <dir>', 'group the data maps of this run instead of training one')
    .option('--out <dir>', 'folder for the runs and tables (default: ./runs/group-<time>)')
    .option('--affinity [every]', 'also record task affinity in the all-task run, every N steps (default 10)', parsePositiveInt)
    .action(async (configPath: string, opts: GroupCliOptions) => {
      const config = await loadConfig(configPath, { overrides: { maxEpochs: opts.maxEpochs }, onNotice: (n) => process.stderr.write(`note: ${n.message}\n`) });
      process.stderr.write('Loading data…\n');
      const data = await loadRunData(config);
      const outDir = opts.out ? resolve(opts.out) : createRunDir(resolve('runs'), 'group');
      const study = await runGroupStudy(config, data, {
        k: opts.k,
        m: opts.m,
        method: opts.method,
        outDir,
        fromRun: opts.fromRun ? resolve(opts.fromRun) : undefined,
        train: opts.train,
        minMembership: opts.minMembership,
        affinity: opts.affinity === undefined ? undefined : opts.affinity === true ? {} : { every: opts.affinity },
        onEvent: (run, e) => {
          if (e.type === 'status') process.stderr.write(`  ${run}: ${e.message}\n`);
          if (e.type === 'done') process.stderr.write(`  ${run}: done after ${e.summary.epochsRun} epochs\n`);
        },
      });
      process.stdout.write(
        `Memberships (m = ${study.grouping.m}, ${study.grouping.method}; * = strongest), from ${study.mapRunDir}:\n${membershipText(study)}\n`,
      );
      for (const run of study.groupRuns) {
        process.stdout.write(
          `group ${run.group + 1}: ${Object.entries(run.weights)
            .map(([t, w]) => `${t} ×${w.toFixed(3)}`)
            .join(', ')} → ${run.runDir}\n`,
        );
      }
      if (study.tasks.length) {
        const rows = study.tasks.map((t) => [t.task, t.metric, String(t.group + 1), t.allTasks?.toPrecision(4) ?? '—', t.grouped?.toPrecision(4) ?? '—']);
        process.stdout.write(`Test metrics:\n${alignColumns([['task', 'metric', 'group', 'all-task model', 'group model'], ...rows])}\n`);
      }
      process.stdout.write(`tables: ${outDir}/memberships.csv${study.tasks.length ? `, ${outDir}/group_metrics.csv` : ''}\n`);
    });
}
