/**
 * One training run, start to finish: builds the model from the config and the data, trains it with
 * checkpoints and progress events, then evaluates the best epoch on val and test and writes the run
 * folder. A plain job function: the CLI calls it directly, the app runs it in a worker thread.
 */
import type { JoinReport } from '../data/join/material-union';
import { existsSync } from 'node:fs';
import { dumpResolvedConfig } from '../config/index';
import type { ResolvedRunConfig } from '../config/types';
import { applyScaling, fitScaling } from '../data/dataset/scaling';
import type { TrainingSet } from '../data/dataset/types';
import type { JobContext } from '../jobs/job';
import { initBackend } from '../model/backend';
import { MultiTaskModel } from '../model/model';
import { deriveSeed } from '../util/random';
import { Checkpoint, NanGuard, ProgressReporter, type Logs, type ProgressEvent, type TrainingCallback } from './callbacks/index';
import { evaluateSplit } from './evaluate';
import { PER_TASK_MONITOR } from '../config/schema';
import { batchCount } from '../data/dataset/batches';
import { earlyStoppingFor } from './stopping';
import { assembleTaskBest, TaskCheckpoints } from './task-checkpoints';
import { fit } from './fit';
import { boundSpec, decideBounds } from './bounds';
import { buildModelSpec } from './model-spec';
import { describeEnvironment, type DataProvenance, type Provenance } from './provenance';
import { metricsReport, predictionsCsv, type MetricsReport } from './reports';
import { domainVerdicts, fitDomain } from './domain';
import { writeDomain } from '../run-folder/domain';
import { applyFreezing, buildOptimizer, buildSchedulers } from './setup';
import { readCheckpointFile, restoreSession, saveCheckpoint, type ModelHeader } from './training-state';
import { SelfSupervised } from './ssl/self-supervised';
import { createWeighting } from './weighting/index';
import { evaluateOldTasks, forgettingReport } from './forgetting';
import { inheritScaling, loadInitWeights, mergeSpecs, type InitSource } from './init-from';
import { AFFINITY_DEFAULTS, TaskAffinity, type AffinityOptions } from '../analysis/affinity';
import { DataMapRecorder, writeDataMap } from '../analysis/data-map';
import { CHECKPOINTS_DIR, RunFolder, runHeaderOf, structureEpoch, type EpochRecord } from '../run-folder/index';

/** A training set with where it came from, loaded (in the main thread) before training starts. */
export interface LoadedData {
  set: TrainingSet;
  sources: DataProvenance[];
  /** How several attribute tables became one row per material, when the run joins them. */
  join?: JoinReport;
  featurizer: { id: string; tableSha256: string } | null;
}

export interface RunTrainingInput {
  config: ResolvedRunConfig;
  data: LoadedData;
  runDir: string;
  /** Continue from runDir/checkpoints/last.ckpt when it exists. */
  resume?: boolean;
  /** Start from a trained model (see init-from.ts); loaded by the caller, where DuckDB is open. */
  initFrom?: InitSource;
  /** Measurements during training, off by default (resume with the same ones). */
  analysis?: RunAnalysis;
}

export interface RunAnalysis {
  /** Task affinity (analysis/affinity.ts), written to affinity.json. */
  affinity?: Partial<AffinityOptions>;
  /** Per-sample confidence each epoch (analysis/data-map.ts), written to datamap.json + datamap.bin. */
  dataMaps?: boolean;
}

/** Progress as it leaves a run: an epoch's flat logs arrive structured as its record. */
export type TrainingProgress = Omit<ProgressEvent, 'logs'> & {
  record?: EpochRecord;
  /** In an ensemble: which member trains (from 1). */ member?: { index: number; of: number };
};

export type TrainingEvent = { type: 'status'; message: string } | { type: 'progress'; progress: TrainingProgress } | { type: 'done'; summary: RunSummary };

export interface RunSummary {
  runDir: string;
  backend: string;
  epochsRun: number;
  bestEpoch: number;
  stopReason: string | null;
  cancelled: boolean;
  metrics: MetricsReport | null;
}

export async function runTraining(input: RunTrainingInput, ctx: JobContext<TrainingEvent>): Promise<RunSummary> {
  const { data } = input;
  const cfg = decideBounds(input.config, data.set);
  const status = (message: string) => ctx.emit({ type: 'status', message });
  const backend = await initBackend(cfg.backend);
  status(`TensorFlow.js backend: ${backend.name} (${backend.provider})`);

  const folder = await RunFolder.create(input.runDir, runHeaderOf(cfg));
  const set = data.set;
  const source = input.initFrom;
  const fitted = fitScaling(set);
  const scaling = source ? inheritScaling(fitted, source.header, set.featureNames) : fitted;
  for (const w of [...set.report.warnings, ...scaling.warnings]) status(`Warning: ${w}`);
  const scaled = applyScaling(set, scaling);
  const own = boundSpec(buildModelSpec(cfg, set), cfg, scaling);
  const merged = source ? mergeSpecs(own, source.header) : { spec: own, kept: [] };
  const spec = merged.spec;
  const model = new MultiTaskModel(spec, deriveSeed(cfg.seed, 'init'));
  /** The model evaluated and saved as best: `model`, or the per-task assembly of its checkpoints. */
  let final = model;
  try {
    if (source) {
      const { loaded, fresh } = loadInitWeights(model, source, merged.kept);
      status(
        `Started from ${source.label}: ${loaded.length} parameters loaded, ${fresh.length} new${merged.kept.length ? `; kept (not trained): ${merged.kept.join(', ')}` : ''}`,
      );
    }
    applyFreezing(cfg, model);
    const evalBatch = Math.max(cfg.data.batchSize, 256);
    const forgettingBefore = source?.data ? await evaluateOldTasks(model, source, evalBatch) : undefined;
    const enabled = cfg.tasks.filter((t) => t.enabled);
    const weighting = createWeighting({
      id: cfg.weighting.strategy,
      options: cfg.weighting.options,
      weights: new Map(enabled.map((t) => [t.name, t.weight])),
      store: model.store,
    });
    const sslSettings = cfg.model.selfSupervised;
    const selfSupervised = sslSettings.enabled ? new SelfSupervised(model, sslSettings) : undefined;
    const optimizer = buildOptimizer(cfg, model);
    const schedulers = buildSchedulers(cfg, model);

    const header: Omit<ModelHeader, 'params' | 'formatVersion' | 'epoch'> = {
      modelSpec: spec,
      scaling,
      featureNames: set.featureNames,
      classes: Object.fromEntries(set.tasks.filter((t) => t.classes).map((t) => [t.name, t.classes!])),
      featurizer: data.featurizer,
    };
    let history: Logs[] = [];
    const trainedTasks = enabled.filter((t) => weighting.tasks.includes(t.name));
    const batches = batchCount(scaled, { split: 'train', batchSize: cfg.data.batchSize });
    const early = earlyStoppingFor(cfg.trainer.earlyStopping, trainedTasks, batches);
    if (early && cfg.trainer.earlyStopping?.patience === 'auto')
      status(`Early stopping: patience ${early.patience} epochs (auto: ${batches} batches per epoch)`);
    // Per-task checkpoints keep each task's best epoch; the plain one keeps the best epoch of one monitor, and always the last.
    const taskFiles = new Map(trainedTasks.map((t, i) => [t.name, folder.path(CHECKPOINTS_DIR, `best-task-${i + 1}.ckpt`)]));
    const perTask =
      cfg.trainer.checkpoint.monitor === PER_TASK_MONITOR
        ? new TaskCheckpoints(trainedTasks, (task, epoch) => saveCheckpoint(taskFiles.get(task)!, { ...header, epoch }, model))
        : undefined;
    const best = new Checkpoint({
      monitor: cfg.trainer.checkpoint.monitor,
      mode: cfg.trainer.checkpoint.mode,
      saveBest: !perTask,
      save: async (kind, epoch) => {
        const session = kind === 'last' ? { optimizer, schedulers, callbacks, history } : undefined;
        await saveCheckpoint(folder.checkpointPath(kind), { ...header, epoch }, model, session);
      },
    });
    // Flat logs serve the loop, its callbacks and resumes; the run folder and the UI get each epoch structured.
    const vocabulary = { tasks: enabled.map((t) => t.name), groups: optimizer.groupIds() };
    const record = (logs: Logs, epoch: number) => structureEpoch(epoch + 1, logs, vocabulary);
    const recorder: TrainingCallback = {
      onEpochEnd: async (epoch, logs) => {
        history.push(logs);
        await folder.writeMetricsCsv(history.map(record));
        await folder.appendEvent({ type: 'epoch', record: record(logs, epoch) });
      },
    };
    const progress = new ProgressReporter({
      sink: ({ logs, ...progress }) => ctx.emit({ type: 'progress', progress: logs ? { ...progress, record: record(logs, progress.epoch) } : progress }),
      minIntervalMs: 250,
    });
    const affinity = input.analysis?.affinity ? new TaskAffinity(weighting.tasks, { ...AFFINITY_DEFAULTS, ...input.analysis.affinity }) : undefined;
    const dataMaps = input.analysis?.dataMaps ? new DataMapRecorder(model, scaled, weighting.tasks, evalBatch) : undefined;
    // Checkpoint after the training callbacks: its 'last' save must capture their state after the epoch. The
    // measurements come after it, so positions (and resumes) match a run without them; the affinity's sums
    // are complete before any epoch-end hook runs.
    const callbacks: TrainingCallback[] = [
      new NanGuard(),
      ...(early ? [early.callback] : []),
      progress,
      recorder,
      ...(perTask?.callbacks ?? []),
      best,
      ...(affinity ? [affinity] : []),
      ...(dataMaps ? [dataMaps] : []),
    ];

    let startEpoch = 0;
    const provenance: Provenance = {
      ...describeEnvironment(),
      backend,
      seed: cfg.seed,
      derivedSeeds: { init: deriveSeed(cfg.seed, 'init'), split: cfg.data.trainRandomSeed },
      data: data.sources,
      ...(data.join && { join: data.join }),
      featurizer: data.featurizer,
      startedAt: new Date().toISOString(),
    };
    if (input.resume && existsSync(folder.checkpointPath('last'))) {
      const saved = await readCheckpointFile(folder.checkpointPath('last'));
      history = restoreSession(saved, model, { optimizer, schedulers, callbacks });
      startEpoch = saved.header.epoch + 1;
      provenance.resumedAt = [new Date().toISOString()];
      status(`Resuming after epoch ${startEpoch} from ${folder.checkpointPath('last')}`);
    }
    await folder.writeText('config.yaml', dumpResolvedConfig(cfg));
    await folder.writeJson('provenance.json', provenance);

    const result = await fit({
      model,
      data: scaled,
      scaling,
      weighting,
      optimizer,
      schedulers,
      callbacks,
      epochs: cfg.trainer.maxEpochs,
      batchSize: cfg.data.batchSize,
      seed: cfg.seed,
      // A fixed subset per seed: redrawing each epoch would show every label over a run and void scaling studies.
      masking: { ratios: Object.fromEntries(enabled.map((t) => [t.name, t.maskingRatio])), seed: cfg.seed, redrawEachEpoch: false },
      modalityDropout: cfg.model.selfSupervised.modalityDropoutP,
      selfSupervised,
      classWeights: Object.fromEntries(enabled.map((t) => [t.name, t.classWeights ?? undefined])),
      startEpoch,
      probes: affinity ? [affinity] : undefined,
      signal: ctx.signal,
    });
    optimizer.dispose();
    if (affinity) await folder.writeJson('affinity.json', affinity.report());
    if (dataMaps) await writeDataMap(folder.dir, dataMaps.result());

    let metrics: MetricsReport | null = null;
    let sharedBest = best.bestEpoch;
    const taskBest = perTask?.best();
    if (perTask && taskBest!.some((b) => b.epoch >= 0)) {
      const assembled = await assembleTaskBest(model, taskBest!, taskFiles, deriveSeed(cfg.seed, 'init'));
      final = assembled.model;
      sharedBest = assembled.epoch;
      await saveCheckpoint(folder.checkpointPath('best'), { ...header, modelSpec: final.spec, epoch: sharedBest }, final);
      const own = final.spec.ownEncoders ?? [];
      status(
        `Best epochs: ${Object.entries(assembled.epochs)
          .map(([t, e]) => `${t} ${e + 1}`)
          .join(', ')}${own.length ? ` (${own.length} task(s) keep their own encoder state)` : ''}`,
      );
    } else if (existsSync(folder.checkpointPath('best'))) {
      restoreSession(await readCheckpointFile(folder.checkpointPath('best')), model);
    }
    if (existsSync(folder.checkpointPath('best'))) {
      const taskNames = enabled.map((t) => t.name);
      const val = await evaluateSplit(final, scaled, scaling, 'val', evalBatch, taskNames);
      const test = await evaluateSplit(final, scaled, scaling, 'test', evalBatch, taskNames);
      metrics = metricsReport(set, taskNames, val, test, {
        best_epoch: sharedBest + 1,
        ...(taskBest && { best_epochs: Object.fromEntries(taskBest.map((b) => [b.task, (b.epoch < 0 ? sharedBest : b.epoch) + 1])) }),
        epochs_run: result.lastEpoch + 1,
        stopped_early: result.stop?.reason ?? null,
      });
      if (source) {
        metrics.forgetting = forgettingBefore
          ? forgettingReport(forgettingBefore, await evaluateOldTasks(final, source, evalBatch), {
              encoderTrained: !cfg.model.encoderOptimizer.freeze && !cfg.model.lora,
              trained: metrics.tasks,
              newTasks: taskNames.filter((t) => !source.header.modelSpec.tasks.some((s) => s.name === t)),
            })
          : { note: `Forgetting was not measured: ${source.dataNote ?? 'no data'}.` };
      }
      await folder.writeJson('metrics.json', metrics);
      const domain = fitDomain(set, scaled, taskNames, deriveSeed(cfg.seed, 'domain'));
      if (domain) await writeDomain(folder.dir, domain);
      await folder.writeText(
        'predictions/test.csv',
        predictionsCsv(set, scaling, test, taskNames, undefined, domain ? domainVerdicts(domain, set, scaled, test.outputs.rows) : undefined),
      );
    }
    provenance.finishedAt = new Date().toISOString();
    await folder.writeJson('provenance.json', provenance);
    const summary: RunSummary = {
      runDir: folder.dir,
      backend: backend.name,
      epochsRun: result.lastEpoch + 1,
      bestEpoch: sharedBest + 1,
      stopReason: result.stop?.reason ?? null,
      cancelled: result.cancelled,
      metrics,
    };
    const { epochsRun, bestEpoch, stopReason, cancelled } = summary;
    await folder.appendEvent({ type: 'done', summary: { epochsRun, bestEpoch, stopReason, cancelled, backend: backend.name } });
    ctx.emit({ type: 'done', summary });
    return summary;
  } finally {
    if (final !== model) final.dispose();
    model.dispose();
  }
}
