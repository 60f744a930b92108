/**
 * `npm run bench -- model-quality [options]`: Crucible's default configuration against Magpie
 * descriptors + a 200-tree random forest (scikit-learn, bench/peer/magpie_rf.py) on the repository's
 * real data sets, on the same formula-grouped split (Crucible's own, seeded) and the same descriptors
 * (Crucible's Magpie featurizer, exported for the forest). The forest fits train + val rows (it needs
 * no validation); Crucible trains on train and stops early on val. Small data sets repeat over several
 * split seeds and report the mean.
 *
 * The default configuration is what a new user writes: the encoder widths and the tasks, nothing about
 * regularisation, schedules or batch size. `--extra FILE.yaml` merges more keys into every config (its
 * `task_defaults` into every task entry) to measure a change (e.g. `ensemble: {size: 5}`, whose
 * conformal intervals' test coverage the table then shows too); `--only a,b` picks data sets;
 * `--repeats N` overrides the repeats; `--keep DIR` keeps the run folders.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { resolveRunConfig } from '../../src-main/engine/config/index';
import type { ResolvedRunConfig } from '../../src-main/engine/config/types';
import { assignSplits } from '../../src-main/engine/data/dataset/split';
import { selectRows } from '../../src-main/engine/data/dataset/select-rows';
import type { TrainingSet } from '../../src-main/engine/data/dataset/types';
import { loadRunData } from '../../src-main/engine/data/load-run-data';
import { runPool } from '../../src-main/engine/jobs/pool';
import { runInWorker } from '../../src-main/engine/jobs/run-in-worker';
import { packageRoot } from '../../src-main/engine/paths';
import type { LoadedData, RunSummary } from '../../src-main/engine/train/run-training';
import { METRICS, type MetricName } from '../../src-main/engine/train/metrics';
import { Rng, deriveSeed } from '../../src-main/engine/util/random';

interface BenchTask {
  name: string;
  type: 'REGRESSION' | 'CLASSIFICATION' | 'SEQUENCE';
  column: string;
  /** More keys of the task entry (a curve task's head and grid). */
  keys?: Record<string, unknown>;
}

interface DataSetSpec {
  id: string;
  /** Under data/. */
  file: string;
  idColumn: string;
  tasks: BenchTask[];
  /** Split seeds to average over (small test splits are noisy). */
  repeats: number;
  /** Cap on rows: rows with the most labels are kept first, the rest drawn at random. */
  maxRows?: number;
}

export const DATA_SETS: DataSetSpec[] = [
  {
    id: 'expt_gap',
    file: 'matbench_expt_gap/expt_gap.csv',
    idColumn: 'formula',
    repeats: 1,
    tasks: [{ name: 'band_gap', type: 'REGRESSION', column: 'band_gap_eV' }],
  },
  {
    id: 'steels',
    file: 'matbench_steels_yield/steels_yield.csv',
    idColumn: 'formula',
    repeats: 5,
    tasks: [{ name: 'yield_strength', type: 'REGRESSION', column: 'yield_strength_MPa' }],
  },
  { id: 'glass', file: 'matbench_glass/glass.csv', idColumn: 'formula', repeats: 1, tasks: [{ name: 'gfa', type: 'CLASSIFICATION', column: 'gfa' }] },
  {
    id: 'phonons',
    file: 'matbench_phonons/phonons.csv',
    idColumn: 'formula',
    repeats: 3,
    tasks: [{ name: 'last_phdos_peak', type: 'REGRESSION', column: 'last_phdos_peak_cm-1' }],
  },
  {
    id: 'phonon_dos',
    file: 'mp_phonon_dos/mp_phonon_dos.csv',
    idColumn: 'row_id',
    repeats: 3,
    tasks: [{ name: 'dos', type: 'SEQUENCE', column: 'dos', keys: { subtype: 'vec', steps_column: 'frequency_grid' } }],
  },
  {
    id: 'mp_multiproperty',
    file: 'mp_multiproperty/mp_multiproperty.csv',
    idColumn: 'formula',
    repeats: 1,
    // Every formula with elastic labels (~6.4k) and a random draw of the others, so the run fits in minutes.
    maxRows: 15_000,
    tasks: [
      { name: 'bulk_modulus', type: 'REGRESSION', column: 'bulk_modulus_GPa' },
      { name: 'shear_modulus', type: 'REGRESSION', column: 'shear_modulus_GPa' },
      { name: 'elastic_anisotropy', type: 'REGRESSION', column: 'elastic_anisotropy' },
      { name: 'e_above_hull', type: 'REGRESSION', column: 'e_above_hull_eV_atom' },
      { name: 'magnetic_moment', type: 'REGRESSION', column: 'magnetic_moment_muB' },
    ],
  },
];

const PYTHON = '/usr/bin/python3';
const SPLIT_SEED = 42;

interface Options {
  only?: string[];
  repeats?: number;
  extra: Record<string, unknown>;
  keep?: string;
  jobs?: number;
}

function parseArgs(args: string[]): Options & { extraFile?: string } {
  const opts: Options & { extraFile?: string } = { extra: {} };
  for (let i = 0; i < args.length; i++) {
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${args[i - 1]} needs a value`);
      return v;
    };
    const a = args[i];
    if (a === '--only') opts.only = value().split(',');
    else if (a === '--repeats') opts.repeats = Number(value());
    else if (a === '--extra') opts.extraFile = value();
    else if (a === '--keep') opts.keep = value();
    else if (a === '--jobs') opts.jobs = Number(value());
    else throw new Error(`unknown option ${a} (options: --only, --repeats, --extra, --keep, --jobs)`);
  }
  return opts;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `over` written into `base`, objects merged key by key. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** The configuration a new user writes for `spec` (plus `extra`), as plain data. */
export function defaultConfig(spec: DataSetSpec, seed: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { task_defaults: taskDefaults = {}, ...rest } = extra as { task_defaults?: Record<string, unknown> };
  const base = {
    seed_everything: seed,
    model: {
      init_args: {
        shared_block_dims: ['auto', 256, 256],
        task_configs: spec.tasks.map((t) => ({ name: t.name, type: t.type, data_column: t.column, ...t.keys, ...taskDefaults })),
      },
    },
    data: {
      init_args: {
        attributes_source: join(packageRoot(), 'data', spec.file),
        formula_column: 'formula',
        id_column: spec.idColumn,
        train_random_seed: seed,
      },
    },
  };
  return deepMerge(base, rest);
}

/** The first `max` rows by label count (most first), ties in seeded random order; then split afresh. */
function capRows(set: TrainingSet, max: number, seed: number): TrainingSet {
  if (set.n <= max) return set;
  const order = new Rng(deriveSeed(seed, 'bench-cap')).shuffle(Uint32Array.from({ length: set.n }, (_, i) => i));
  const labels = (r: number) => set.tasks.reduce((a, t) => a + t.valid[r], 0);
  const kept = Uint32Array.from([...order].sort((a, b) => labels(b) - labels(a)).slice(0, max)).sort();
  const subset = selectRows(set, kept);
  const { split } = assignSplits({ groups: subset.groups, taskValid: subset.tasks.map((t) => t.valid) }, { seed, valFraction: 0.1, testFraction: 0.1 });
  return { ...subset, split };
}

/** Writes what the forest reads (see bench/peer/magpie_rf.py); returns a hash of it for the cache. */
async function exportForForest(set: TrainingSet, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const hash = createHash('sha256');
  const write = async (name: string, bytes: Uint8Array) => {
    hash.update(name).update(bytes);
    await writeFile(join(dir, name), bytes);
  };
  const bytes = (a: Float32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  await write('x.f32', bytes(set.features));
  await write('split.u8', bytes(set.split));
  for (const [k, t] of set.tasks.entries()) {
    const y = Float32Array.from(t.targets, (v, i) => (t.mask[i] ? v : NaN));
    await write(`y_${k}.f32`, bytes(y));
  }
  const meta = { n: set.n, d: set.featureNames.length, tasks: set.tasks.map((t) => ({ name: t.name, kind: t.kind, width: t.width })) };
  await write('meta.json', new TextEncoder().encode(JSON.stringify(meta)));
  return hash.digest('hex').slice(0, 16);
}

type TaskScores = Record<string, Partial<Record<MetricName | 'balanced_accuracy', number>>>;

function runProcess(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.trim().split('\n').at(-1)}`))));
  });
}

/** The forest's test scores, from the cache when these exact inputs were scored before. */
async function forestScores(set: TrainingSet, dir: string): Promise<TaskScores> {
  const key = await exportForForest(set, dir);
  const cacheDir = join(tmpdir(), 'crucible-model-quality-rf');
  const cached = join(cacheDir, `${key}.json`);
  if (existsSync(cached)) return JSON.parse(await readFile(cached, 'utf8')) as TaskScores;
  const out = await runProcess(PYTHON, [join(packageRoot(), 'bench', 'peer', 'magpie_rf.py'), dir]);
  const scores = (JSON.parse(out.trim().split('\n').at(-1)!) as { tasks: TaskScores }).tasks;
  await mkdir(cacheDir, { recursive: true });
  await writeFile(cached, JSON.stringify(scores));
  return scores;
}

/** The figure the table compares: MAE for regression and curves, ROC-AUC for classification. */
function headline(type: BenchTask['type']): MetricName {
  return type === 'CLASSIFICATION' ? 'roc_auc' : 'mae';
}

interface Trial {
  spec: DataSetSpec;
  repeat: number;
  config: ResolvedRunConfig;
  data: LoadedData;
}

interface TrialResult {
  rf: TaskScores;
  crucible: TaskScores;
  /** Ensembles: per calibrated task, the share of test rows inside their interval and the intervals' mean width. */
  intervals: Record<string, { coverage: number; test_coverage: number; mean_width: number }>;
  summary: RunSummary;
}

async function prepare(spec: DataSetSpec, repeat: number, extra: Record<string, unknown>): Promise<Trial> {
  const seed = SPLIT_SEED + repeat;
  const config = resolveRunConfig(defaultConfig(spec, seed, extra), { baseDir: packageRoot() });
  const data = await loadRunData(config);
  const set = spec.maxRows ? capRows(data.set, spec.maxRows, seed) : data.set;
  return { spec, repeat, config, data: { ...data, set } };
}

async function runTrial(trial: Trial, work: string): Promise<TrialResult> {
  const name = `${trial.spec.id}-${trial.repeat}`;
  const forest = forestScores(trial.data.set, join(work, `${name}-forest`));
  const summary = await runInWorker('train', { config: trial.config, data: trial.data, runDir: join(work, name) }, () => {});
  const tasks = Object.entries(summary.metrics?.tasks ?? {});
  const crucible: TaskScores = Object.fromEntries(tasks.map(([t, m]) => [t, m.test]));
  const intervals = Object.fromEntries(tasks.flatMap(([t, m]) => (m.interval ? [[t, m.interval]] : [])));
  return { rf: await forest, crucible, intervals, summary };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));

export async function benchModelQuality(args: string[]): Promise<Record<string, unknown>> {
  const opts = parseArgs(args);
  const extra = opts.extraFile ? (parseYaml(await readFile(opts.extraFile, 'utf8')) as Record<string, unknown>) : {};
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install python3-sklearn`);
  const specs = DATA_SETS.filter((d) => !opts.only || opts.only.includes(d.id));
  const work = opts.keep ?? (await mkdtemp(join(tmpdir(), 'crucible-model-quality-')));
  const trials: Trial[] = [];
  for (const spec of specs) for (let r = 0; r < (opts.repeats ?? spec.repeats); r++) trials.push(await prepare(spec, r, extra));
  console.log(`model-quality: ${trials.length} runs over ${specs.map((s) => s.id).join(', ')}${opts.extraFile ? ` with ${opts.extraFile}` : ''}`);
  const results = await runPool(
    trials,
    async (trial) => {
      const result = await runTrial(trial, work);
      const s = result.summary;
      const shown = trial.spec.tasks.map((t) => {
        const m = headline(t.type);
        return `${t.name} ${m} RF ${fmt(result.rf[t.name]?.[m] ?? NaN)} / Crucible ${fmt(result.crucible[t.name]?.[m] ?? NaN)}`;
      });
      const covered = Object.entries(result.intervals).map(
        ([t, iv]) => `; ${t} ${Math.round(iv.coverage * 100)} % interval covers ${(iv.test_coverage * 100).toFixed(1)} %`,
      );
      console.log(`  ${trial.spec.id} split ${trial.repeat + 1}: ${shown.join('; ')}${covered.join('')} (best epoch ${s.bestEpoch} of ${s.epochsRun})`);
      return result;
    },
    opts.jobs,
  );
  if (!opts.keep) await rm(work, { recursive: true, force: true });

  const withIntervals = results.some((r) => Object.keys(r.intervals).length > 0);
  const rows: string[][] = [
    ['task', 'metric', 'RF', 'Crucible', 'ratio', 'Crucible better', ...(withIntervals ? ['interval coverage (target)', 'mean width'] : [])],
  ];
  const table: Record<
    string,
    {
      metric: string;
      rf: number;
      crucible: number;
      ratio: number;
      better: boolean;
      balanced_accuracy?: { rf: number; crucible: number };
      interval?: { target: number; test_coverage: number; mean_width: number };
    }
  > = {};
  for (const spec of specs) {
    const mine = results.filter((_, i) => trials[i].spec === spec);
    for (const t of spec.tasks) {
      const m = headline(t.type);
      const rf = mean(mine.map((r) => r.rf[t.name][m]!));
      const crucible = mean(mine.map((r) => r.crucible[t.name][m]!));
      const better = METRICS[m].higherIsBetter ? crucible > rf : crucible < rf;
      const key = `${spec.id}/${t.name}`;
      table[key] = { metric: m, rf, crucible, ratio: crucible / rf, better };
      if (t.type === 'CLASSIFICATION') {
        table[key].balanced_accuracy = {
          rf: mean(mine.map((r) => r.rf[t.name].balanced_accuracy!)),
          crucible: mean(mine.map((r) => r.crucible[t.name].balanced_accuracy!)),
        };
      }
      const intervals = mine.flatMap((r) => (r.intervals[t.name] ? [r.intervals[t.name]] : []));
      const interval = intervals.length
        ? { target: intervals[0].coverage, test_coverage: mean(intervals.map((i) => i.test_coverage)), mean_width: mean(intervals.map((i) => i.mean_width)) }
        : undefined;
      if (interval) table[key].interval = interval;
      rows.push([
        key + (mine.length > 1 ? ` (${mine.length} splits)` : ''),
        m,
        fmt(rf),
        fmt(crucible),
        (crucible / rf).toFixed(3),
        better ? 'yes' : 'no',
        ...(withIntervals
          ? interval
            ? [`${(interval.test_coverage * 100).toFixed(1)} % (${interval.target * 100} %)`, fmt(interval.mean_width)]
            : ['', '']
          : []),
      ]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  const entries = Object.values(table);
  const wins = entries.filter((e) => e.better).length;
  console.log(`Crucible better on ${wins} of ${entries.length} tasks (ratio < 1 is better for MAE, > 1 for ROC-AUC)`);
  return { tasks: table, crucible_better: wins, tasks_compared: entries.length };
}
