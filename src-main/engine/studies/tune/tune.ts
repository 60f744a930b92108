/**
 * `crucible tune`: random search over the documented space (space.ts) with successive halving (halving.ts), two
 * trainings at a time in worker threads. Every trial and rung trains from scratch in its own run folder, so each
 * folder is an ordinary run whose config.yaml reproduces it; rungs run one after the other, which keeps the
 * choice of survivors, and with it the whole tune, a function of the seed. tune.json records every training as
 * it finishes: a rerun into the same folder reuses those and continues (an interrupted training resumes from its
 * last checkpoint).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dumpResolvedConfig, type ResolvedRunConfig } from '../../config/index';
import { CrucibleError, isCrucibleError } from '../../errors';
import { runPool } from '../../jobs/pool';
import { runInWorker } from '../../jobs/run-in-worker';
import type { MetricValues } from '../../train/metrics';
import type { LoadedData, TrainingEvent } from '../../train/run-training';
import { writeFileAtomic } from '../../util/atomic-write';
import { toCsv } from '../../util/csv-writer';
import { sha256 } from '../../util/hash';
import { DEFAULT_ETA, halvingSchedule, promote, type Rung } from './halving';
import { SCORE_DESCRIPTION, valBaselines, validationScore } from './score';
import { sampleParams, SEARCH_SPACE, trialConfig, type TuneParams } from './space';

export const TUNE_FILE = 'tune.json';
export const RESULTS_FILE = 'results.csv';
export const BEST_FILE = 'best.yaml';

/** One training: a trial's hyper-parameters at one rung. */
export interface TuneRecord {
  trial: number;
  rung: number;
  epochs: number;
  params: TuneParams;
  /** The run folder, relative to the tune folder. */
  runDir: string;
  status: 'done' | 'failed';
  /** See score.ts; null when failed or without validation labels. */
  score: number | null;
  bestEpoch?: number;
  epochsRun?: number;
  val?: Record<string, MetricValues>;
  test?: Record<string, MetricValues>;
  error?: string;
}

/** What must match for a rerun to continue a tune instead of starting another. */
interface Fingerprint {
  /** sha256 of the resolved configuration. */
  config: string;
  /** sha256 of each data source. */
  data: string[];
  budget: number;
  eta: number;
  space: typeof SEARCH_SPACE;
}

export interface TuneFile {
  format: 'crucible-tune';
  version: 1;
  fingerprint: Fingerprint;
  schedule: Rung[];
  score: string;
  records: TuneRecord[];
  /** The lowest score of the last rung, once the tune is complete. */
  best: { trial: number; score: number; runDir: string; config: string } | null;
}

export interface TuneOptions {
  /** How many configurations to sample (the first rung's width). */
  budget: number;
  outDir: string;
  eta?: number;
  /** Trainings at a time (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Each training as it finishes; `reused` when a previous run of the tune had finished it. */
  onRecord?: (record: TuneRecord, reused: boolean) => void;
  onEvent?: (at: { trial: number; rung: number }, e: TrainingEvent) => void;
}

export interface TuneResult {
  file: TuneFile;
  /** The best configuration at the full epoch budget, as written to best.yaml. */
  bestConfig: ResolvedRunConfig;
  reused: number;
  trained: number;
}

function fingerprintOf(config: ResolvedRunConfig, data: LoadedData, budget: number, eta: number): Fingerprint {
  return { config: sha256(dumpResolvedConfig(config)), data: data.sources.map((s) => s.sha256), budget, eta, space: SEARCH_SPACE };
}

function differences(was: Fingerprint, now: Fingerprint): string[] {
  const out: string[] = [];
  if (was.config !== now.config) out.push('the configuration');
  if (JSON.stringify(was.data) !== JSON.stringify(now.data)) out.push('the data');
  if (was.budget !== now.budget) out.push(`the budget (${was.budget} then, ${now.budget} now)`);
  if (was.eta !== now.eta) out.push(`η (${was.eta} then, ${now.eta} now)`);
  if (JSON.stringify(was.space) !== JSON.stringify(now.space)) out.push('the search space');
  return out;
}

/** The tune recorded in `outDir`, checked against this one; undefined for a new (empty or missing) folder. */
async function previousTune(outDir: string, now: Fingerprint): Promise<TuneFile | undefined> {
  const path = join(outDir, TUNE_FILE);
  if (!existsSync(path)) {
    const entries = existsSync(outDir) ? await readdir(outDir) : [];
    if (entries.length > 0) {
      throw new CrucibleError('already-exists', `${outDir} is not empty and holds no ${TUNE_FILE}.`, {
        hint: 'Give --out a new or empty folder, or the folder of an earlier tune to continue it.',
      });
    }
    return undefined;
  }
  let file: TuneFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as TuneFile;
  } catch (cause) {
    throw new CrucibleError('bad-input', `${path} cannot be read as JSON.`, { location: { file: path }, hint: 'Give --out a new folder.', cause });
  }
  if (file.format !== 'crucible-tune' || file.version !== 1) {
    throw new CrucibleError('bad-input', `${path} is not a tune record this version of Crucible reads.`, {
      location: { file: path },
      hint: 'Give --out a new folder.',
    });
  }
  const was = file.fingerprint;
  const changed = differences(was, now);
  if (changed.length > 0) {
    throw new CrucibleError('bad-input', `${outDir} holds a tune with different settings: ${changed.join(', ')} changed.`, {
      location: { file: path },
      hint: `Rerun with the config, --budget and options it was started with to continue it, or give --out a new folder.${was.config !== now.config ? ' (seed_everything: true draws a new seed each run; set a number to resume.)' : ''}`,
    });
  }
  return file;
}

const runDirName = (rung: number, trial: number, budget: number) => `r${rung}-t${String(trial).padStart(String(budget - 1).length, '0')}`;

/** Records best first: the last rung first, then by score (unscored last), then by trial. */
export function rankRecords(records: readonly TuneRecord[]): TuneRecord[] {
  return [...records].sort((a, b) => b.rung - a.rung || (a.score ?? Infinity) - (b.score ?? Infinity) || a.trial - b.trial);
}

export async function runTune(config: ResolvedRunConfig, data: LoadedData, opts: TuneOptions): Promise<TuneResult> {
  const tasks = config.tasks.filter((t) => t.enabled).map((t) => t.name);
  if (tasks.length === 0) {
    throw new CrucibleError('bad-config', 'The config has no enabled task to tune for.', {
      hint: 'Set enabled: true on at least one task in model.init_args.task_configs.',
    });
  }
  const eta = opts.eta ?? DEFAULT_ETA;
  const schedule = halvingSchedule(opts.budget, config.trainer.maxEpochs, eta);
  const fingerprint = fingerprintOf(config, data, opts.budget, eta);
  const previous = await previousTune(opts.outDir, fingerprint);
  await mkdir(opts.outDir, { recursive: true });
  const file: TuneFile = { format: 'crucible-tune', version: 1, fingerprint, schedule, score: SCORE_DESCRIPTION, records: [], best: null };
  // Failed trainings are kept too: the same seed and hyper-parameters would diverge the same way again.
  const done = new Map((previous?.records ?? []).map((r) => [`${r.rung}:${r.trial}`, r]));
  let saving = Promise.resolve();
  const save = () => (saving = saving.then(() => writeFileAtomic(join(opts.outDir, TUNE_FILE), `${JSON.stringify(file, null, 2)}\n`)));
  const baselines = valBaselines(data.set, tasks);
  let reused = 0;
  let trained = 0;

  const train = async (rung: Rung, trial: number): Promise<void> => {
    const old = done.get(`${rung.index}:${trial}`);
    if (old) {
      file.records.push(old);
      reused++;
      opts.onRecord?.(old, true);
      return;
    }
    if (opts.signal?.aborted) return;
    const params = sampleParams(config.seed, trial);
    const runDir = runDirName(rung.index, trial, opts.budget);
    const base = { trial, rung: rung.index, epochs: rung.epochs, params, runDir };
    let record: TuneRecord;
    try {
      const summary = await runInWorker(
        'train',
        { config: trialConfig(config, params, rung.epochs), data, runDir: join(opts.outDir, runDir), resume: true },
        (e) => opts.onEvent?.({ trial, rung: rung.index }, e),
        opts.signal,
      );
      if (summary.cancelled) return;
      const metrics = summary.metrics;
      record = {
        ...base,
        status: 'done',
        score: metrics ? validationScore(metrics.tasks, baselines) : null,
        bestEpoch: summary.bestEpoch,
        epochsRun: summary.epochsRun,
        val: Object.fromEntries(Object.entries(metrics?.tasks ?? {}).map(([t, m]) => [t, m.val])),
        test: Object.fromEntries(Object.entries(metrics?.tasks ?? {}).map(([t, m]) => [t, m.test])),
      };
    } catch (e) {
      // A diverging trial (the NaN guard) is a result of its hyper-parameters, not a failure of the tune.
      if (!isCrucibleError(e) || e.code === 'cancelled') throw e;
      record = { ...base, status: 'failed', score: null, error: e.hint ? `${e.message} ${e.hint}` : e.message };
    }
    file.records.push(record);
    trained++;
    await save();
    opts.onRecord?.(record, false);
  };

  let trials = Array.from({ length: schedule[0].trials }, (_, i) => i);
  for (const rung of schedule) {
    await runPool(trials, (trial) => train(rung, trial), opts.concurrency ?? 2);
    if (opts.signal?.aborted) {
      await save();
      throw new CrucibleError('cancelled', 'The tune stopped before it finished.', {
        hint: `Run the same command with --out ${opts.outDir} to continue; finished trainings are kept.`,
      });
    }
    const next = schedule[rung.index + 1];
    if (next)
      trials = promote(
        file.records.filter((r) => r.rung === rung.index),
        next.trials,
      );
  }

  const last = schedule.length - 1;
  const [bestTrial] = promote(
    file.records.filter((r) => r.rung === last),
    1,
  );
  file.records = rankRecords(file.records);
  await writeFileAtomic(join(opts.outDir, RESULTS_FILE), resultsCsv(file.records));
  const best = file.records.find((r) => r.rung === last && r.trial === bestTrial);
  if (!best) {
    await save();
    const failure = file.records.find((r) => r.error)?.error;
    throw new CrucibleError('bad-config', `No training of the last rung gave a validation score, so the tune has no best configuration.`, {
      hint: failure ? `The first failure: ${failure}` : 'Check that every task has labelled validation rows (data.init_args.val_split).',
    });
  }
  const bestConfig = trialConfig(config, best.params, schedule[last].epochs);
  const header = `# crucible tune: the best of ${opts.budget} sampled configurations (trial ${best.trial}, validation score ${best.score!.toPrecision(4)}; run ${best.runDir}).\n`;
  await writeFileAtomic(join(opts.outDir, BEST_FILE), header + dumpResolvedConfig(bestConfig));
  file.best = { trial: best.trial, score: best.score!, runDir: best.runDir, config: BEST_FILE };
  await save();
  return { file, bestConfig, reused, trained };
}

/** Every training, best first: hyper-parameters, score, epochs, then every val and test metric. */
export function resultsCsv(records: readonly TuneRecord[]): string {
  const keys: string[] = [];
  const rows = records.map((r) => {
    const values: Record<string, number> = {};
    for (const [split, byTask] of [
      ['val', r.val],
      ['test', r.test],
    ] as const) {
      for (const [task, m] of Object.entries(byTask ?? {})) for (const [k, v] of Object.entries(m)) values[`${split}_${task}_${k}`] = v;
    }
    for (const k of Object.keys(values)) if (!keys.includes(k)) keys.push(k);
    return { r, values };
  });
  return toCsv(
    [
      'trial',
      'rung',
      'epochs',
      'status',
      'val_score',
      'lr',
      'weight_decay',
      'dropout',
      'widths',
      'batch_size',
      'best_epoch',
      'epochs_run',
      ...keys,
      'run_dir',
      'error',
    ],
    rows.map(({ r, values }) => [
      r.trial,
      r.rung,
      r.epochs,
      r.status,
      r.score,
      r.params.lr,
      r.params.weight_decay,
      r.params.dropout,
      r.params.widths.join(' '),
      r.params.batch_size,
      r.bestEpoch,
      r.epochsRun,
      ...keys.map((k) => values[k]),
      r.runDir,
      r.error,
    ]),
  );
}
