/**
 * A deep ensemble (Lakshminarayanan et al. 2017): `size` members trained on the same split from different seeds,
 * each a complete run folder under members/, then combined on val and test. Seeds rather than bootstrap samples:
 * for neural networks, random initialisation and batch order alone give diverse members, and bagging would hide
 * a third of the few labels small materials sets have from each member. Member 1 keeps the config's seed, so it is
 * the model the same config trains without `ensemble`. A job array trains the members one per task
 * (trainEnsembleMember) and combines them in a last step (collectEnsemble), into the same folder.
 *
 * The ensemble folder holds what a run folder holds for its readers (run.json, config.yaml, provenance.json,
 * metrics.json, predictions/test.csv, events.jsonl) plus ensemble.json: the members and each regression task's
 * conformal calibration, which the exported bundle carries into its graph.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dumpResolvedConfig } from '../../config/index';
import { CrucibleError } from '../../errors';
import { decideBounds } from '../../train/bounds';
import type { ResolvedRunConfig } from '../../config/types';
import { applyScaling, type ScalingParams } from '../../data/dataset/scaling';
import type { TaskKind, TrainingSet } from '../../data/dataset/types';
import type { JobContext } from '../../jobs/job';
import { initBackend } from '../../model/backend';
import { MultiTaskModel } from '../../model/model';
import { ENSEMBLE_FILE, MEMBERS_DIR, readRunSummary, RunFolder, runHeaderOf, type Calibration, type EnsembleRecord } from '../../run-folder/index';
import { predictSplit, scoreSplit, toUserUnits, type SplitOutputs } from '../../train/evaluate';
import { describeEnvironment, type Provenance } from '../../train/provenance';
import { metricsReport, predictionsCsv, type MetricsReport } from '../../train/reports';
import { runTraining, type RunSummary, type RunTrainingInput, type TrainingEvent } from '../../train/run-training';
import { readCheckpointFile, restoreSession } from '../../train/training-state';
import { deriveSeed } from '../../util/random';
import { calibrate, halfWidth, scoreIntervals } from './conformal';
import { combineOutputs } from './combine';

/** metrics.json of an ensemble: the combined model's, with each interval's test score and each member's own test metrics. */
export type EnsembleMetricsReport = MetricsReport & Required<Pick<MetricsReport, 'ensemble'>>;

/** Member k's seed (from 1): the config's own for the first, derived for the rest. */
export function memberSeed(seed: number, k: number): number {
  return k === 1 ? seed : deriveSeed(seed, 'member', k);
}

function memberConfig(cfg: ResolvedRunConfig, k: number): ResolvedRunConfig {
  return { ...cfg, seed: memberSeed(cfg.seed, k), name: cfg.name && `${cfg.name}-member-${k}`, ensemble: null };
}

async function loadMember(dir: string): Promise<{ model: MultiTaskModel; scaling: ScalingParams }> {
  const contents = await readCheckpointFile(join(dir, 'checkpoints', 'best.ckpt'));
  const model = new MultiTaskModel(contents.header.modelSpec, 0);
  restoreSession(contents, model);
  return { model, scaling: contents.header.scaling };
}

/** Per task: the values of the labelled entries of a width-1 task, as plain arrays in user units. */
function labelled(outputs: SplitOutputs, std: Float32Array, scaling: ScalingParams, task: string) {
  const mask = outputs.masks.get(task)!;
  const mean = toUserUnits(scaling, task, outputs.outputs.get(task)!);
  const truth = toUserUnits(scaling, task, outputs.targets.get(task)!);
  const scale = scaling.tasks.find((t) => t.name === task)!.targets!.std[0];
  const all = { mean: Array.from(mean), std: Array.from(std, (s) => s * scale), truth: Array.from(truth) };
  const keep = (_: number, i: number) => mask[i] > 0;
  return { all, known: { mean: all.mean.filter(keep), std: all.std.filter(keep), truth: all.truth.filter(keep) } };
}

/** Member k's run folder (from 1), relative to the ensemble's. */
const memberDir = (k: number) => join(MEMBERS_DIR, `member-${k}`);
const memberLabel = (k: number, size: number) => `Member ${k} of ${size}`;

async function memberDone(runDir: string): Promise<boolean> {
  return existsSync(runDir) && (await readRunSummary(runDir)).status === 'done';
}

/** Trains member k of the ensemble `cfg` (bounds decided) into its folder, resuming it when `input.resume`. */
function trainMember(input: RunTrainingInput, cfg: ResolvedRunConfig, k: number, ctx: JobContext<TrainingEvent>): Promise<RunSummary> {
  const { size } = cfg.ensemble!;
  const label = memberLabel(k, size);
  ctx.emit({ type: 'status', message: `${label} (seed ${memberSeed(cfg.seed, k)})` });
  return runTraining(
    { ...input, config: memberConfig(cfg, k), runDir: join(input.runDir, memberDir(k)), resume: input.resume },
    {
      signal: ctx.signal,
      emit: (event) => {
        if (event.type === 'status') ctx.emit({ type: 'status', message: `${label}: ${event.message}` });
        else if (event.type === 'progress') ctx.emit({ type: 'progress', progress: { ...event.progress, member: { index: k, of: size } } });
      },
    },
  );
}

/** The members (from 1) of the ensemble in `runDir` that have not finished, in order. */
export async function unfinishedMembers(runDir: string, size: number): Promise<number[]> {
  const members = Array.from({ length: size }, (_, i) => i + 1);
  const done = await Promise.all(members.map((k) => memberDone(join(runDir, memberDir(k)))));
  return members.filter((_, i) => !done[i]);
}

/** The config's ensemble size; throws when it trains a single model. */
export function ensembleSize(cfg: ResolvedRunConfig): number {
  if (!cfg.ensemble)
    throw new CrucibleError('bad-input', 'The config trains one model, not an ensemble: it has no members to train one at a time.', {
      hint: 'Add `ensemble: { size: N }` to the config, or train it without --member and --collect.',
    });
  return cfg.ensemble.size;
}

/**
 * One step of an ensemble split into a job array: member k alone, into the folder and with the seed the whole
 * ensemble gives it. A member that finished is kept (summary null), an interrupted one resumes from its last checkpoint.
 */
export async function trainEnsembleMember(
  input: RunTrainingInput,
  k: number,
  ctx: JobContext<TrainingEvent>,
): Promise<{ runDir: string; summary: RunSummary | null }> {
  const cfg = decideBounds(input.config, input.data.set);
  const size = ensembleSize(cfg);
  if (!Number.isInteger(k) || k < 1 || k > size)
    throw new CrucibleError('bad-input', `The ensemble has ${size} members (1 to ${size}); there is no member ${k}.`, {
      hint: 'Give --member a number from 1 to the ensemble size; `crucible slurm ensemble` writes an array of exactly these.',
    });
  const runDir = join(input.runDir, memberDir(k));
  if (await memberDone(runDir)) return { runDir, summary: null };
  return { runDir, summary: await trainMember({ ...input, resume: true }, cfg, k, ctx) };
}

/**
 * The ensemble's last step once every member finished on its own (trainEnsembleMember): the same ensemble folder
 * as one in-process run writes, since a resumed ensemble whose members are all done only combines them.
 */
export async function collectEnsemble(input: RunTrainingInput, ctx: JobContext<TrainingEvent>): Promise<RunSummary> {
  const size = ensembleSize(input.config);
  const missing = await unfinishedMembers(input.runDir, size);
  if (missing.length > 0)
    throw new CrucibleError('not-found', `${missing.length} of the ensemble's ${size} members have not finished: ${missing.join(', ')}.`, {
      hint: 'Train them with the same command and --member K (or submit the Slurm array again: finished members are kept), then collect.',
    });
  return trainEnsemble({ ...input, resume: true }, ctx);
}

export async function trainEnsemble(input: RunTrainingInput, ctx: JobContext<TrainingEvent>): Promise<RunSummary> {
  const cfg = decideBounds(input.config, input.data.set);
  const { size } = cfg.ensemble!;
  const backend = await initBackend(cfg.backend);
  const folder = await RunFolder.create(input.runDir, runHeaderOf(cfg));
  const seeds = Array.from({ length: size }, (_, i) => memberSeed(cfg.seed, i + 1));
  const provenance: Provenance = {
    ...describeEnvironment(),
    backend,
    seed: cfg.seed,
    derivedSeeds: Object.fromEntries(seeds.map((s, i) => [`member-${i + 1}`, s])),
    data: input.data.sources,
    ...(input.data.join && { join: input.data.join }),
    featurizer: input.data.featurizer,
    startedAt: new Date().toISOString(),
  };
  await folder.writeText('config.yaml', dumpResolvedConfig(cfg));
  await folder.writeJson('provenance.json', provenance);

  const members: { dir: string; summary: RunSummary | null }[] = [];
  for (let k = 1; k <= size; k++) {
    const dir = memberDir(k);
    // A resumed ensemble keeps the members that finished and resumes the one that was interrupted.
    if (input.resume && (await memberDone(folder.path(dir)))) {
      ctx.emit({ type: 'status', message: `${memberLabel(k, size)}: finished before, kept` });
      members.push({ dir, summary: null });
      continue;
    }
    const summary = await trainMember(input, cfg, k, ctx);
    members.push({ dir, summary });
    if (summary.cancelled) {
      const cancelled: RunSummary = { ...summary, runDir: folder.dir, metrics: null };
      await folder.appendEvent({ type: 'done', summary: { epochsRun: summary.epochsRun, bestEpoch: summary.bestEpoch, stopReason: null, cancelled: true } });
      ctx.emit({ type: 'done', summary: cancelled });
      return cancelled;
    }
  }

  ctx.emit({ type: 'status', message: `Combining ${size} members on the validation and test rows` });
  const metrics = await combineMembers(folder, cfg, input.data.set, members, seeds);
  provenance.finishedAt = new Date().toISOString();
  await folder.writeJson('provenance.json', provenance);
  const summary: RunSummary = {
    runDir: folder.dir,
    backend: backend.name,
    epochsRun: Math.max(...metrics.ensemble.members.map((m) => m.epochs_run)),
    bestEpoch: Math.max(...metrics.ensemble.members.map((m) => m.best_epoch)),
    stopReason: null,
    cancelled: false,
    metrics,
  };
  const { epochsRun, bestEpoch } = summary;
  await folder.appendEvent({ type: 'done', summary: { epochsRun, bestEpoch, stopReason: null, cancelled: false, backend: backend.name } });
  ctx.emit({ type: 'done', summary });
  return summary;
}

type MemberReport = EnsembleMetricsReport['ensemble']['members'][number];

/** A member's line in metrics.json: from its summary when it trained now, else from its folder. */
async function memberReport(dir: string, summary: RunSummary | null, seed: number): Promise<MemberReport> {
  const own = summary?.metrics;
  if (own)
    return { seed, best_epoch: own.best_epoch, epochs_run: own.epochs_run, test: Object.fromEntries(Object.entries(own.tasks).map(([t, r]) => [t, r.test])) };
  const saved = await readRunSummary(dir);
  return { seed, best_epoch: saved.bestEpoch ?? 0, epochs_run: saved.epochsRun, test: saved.test };
}

async function combineMembers(
  folder: RunFolder,
  cfg: ResolvedRunConfig,
  set: TrainingSet,
  members: readonly { dir: string; summary: RunSummary | null }[],
  seeds: readonly number[],
): Promise<EnsembleMetricsReport> {
  const { coverage } = cfg.ensemble!;
  const tasks = cfg.tasks.filter((t) => t.enabled).map((t) => t.name);
  const kinds = new Map<string, TaskKind>(set.tasks.filter((t) => tasks.includes(t.name)).map((t) => [t.name, t.kind]));
  const evalBatch = Math.max(cfg.data.batchSize, 256);
  const outputs: Record<'val' | 'test', SplitOutputs[]> = { val: [], test: [] };
  let scaling: ScalingParams | undefined;
  let scaled: TrainingSet | undefined;
  for (const member of members) {
    const loaded = await loadMember(folder.path(member.dir));
    try {
      // Every member fits its scaling on the same training rows, so one scaled set serves them all.
      scaling ??= loaded.scaling;
      if (JSON.stringify(loaded.scaling) !== JSON.stringify(scaling)) throw new Error(`${member.dir} was trained with another scaling than member 1`);
      scaled ??= applyScaling(set, scaling);
      for (const split of ['val', 'test'] as const) outputs[split].push(await predictSplit(loaded.model, scaled, split, evalBatch, tasks));
    } finally {
      loaded.model.dispose();
    }
  }
  const val = combineOutputs(outputs.val, kinds);
  const test = combineOutputs(outputs.test, kinds);
  const valScore = scoreSplit(scaled!, scaling!, val.outputs, tasks);
  const testScore = scoreSplit(scaled!, scaling!, test.outputs, tasks);

  const memberReports = await Promise.all(members.map((m, i) => memberReport(folder.path(m.dir), m.summary, seeds[i])));
  const base = metricsReport(set, tasks, valScore, testScore, {
    best_epoch: Math.max(...memberReports.map((m) => m.best_epoch)),
    epochs_run: Math.max(...memberReports.map((m) => m.epochs_run)),
    stopped_early: null,
  });
  const report: EnsembleMetricsReport = { ...base, ensemble: { size: members.length, members: memberReports } };

  const calibration: Record<string, Calibration> = {};
  const extra = new Map<string, Record<string, Float32Array>>();
  for (const task of set.tasks) {
    if (!kinds.has(task.name) || task.kind !== 'regression' || task.width !== 1) continue;
    const v = labelled(val.outputs, val.spread.get(task.name)!, scaling!, task.name);
    const t = labelled(test.outputs, test.spread.get(task.name)!, scaling!, task.name);
    const cal = calibrate(v.known.truth, v.known.mean, v.known.std, coverage);
    calibration[task.name] = cal;
    const scored = scoreIntervals(cal, t.known.truth, t.known.mean, t.known.std);
    report.tasks[task.name].interval = {
      coverage: cal.coverage,
      q: cal.q,
      calibration_rows: cal.rows,
      test_coverage: scored.coverage,
      mean_width: scored.meanWidth,
      test_rows: scored.rows,
    };
    const half = t.all.std.map((s) => halfWidth(cal, s));
    // An interval never reaches past the task's bounds, which no prediction can cross either.
    const { lower, upper } = cfg.tasks.find((c) => c.name === task.name)!.bounds;
    const clip = (v: number) => Math.min(typeof upper === 'number' ? upper : Infinity, Math.max(typeof lower === 'number' ? lower : -Infinity, v));
    extra.set(task.name, {
      std: Float32Array.from(t.all.std),
      lo: Float32Array.from(t.all.mean, (m, i) => clip(m - half[i])),
      hi: Float32Array.from(t.all.mean, (m, i) => clip(m + half[i])),
    });
  }
  const record: EnsembleRecord = {
    size: members.length,
    coverage,
    members: members.map((m, i) => ({ dir: m.dir, seed: seeds[i] })),
    calibration,
  };
  await folder.writeJson(ENSEMBLE_FILE, record);
  await folder.writeJson('metrics.json', report);
  await folder.writeText('predictions/test.csv', predictionsCsv(set, scaling!, testScore, tasks, extra));
  return report;
}
