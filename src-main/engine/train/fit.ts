/**
 * The training loop. It owns the order of work — batches, the gradient step, validation, learning
 * rate schedules, callbacks — and nothing else: strategies, schedules, stopping and checkpoints are
 * plug-ins, and the loop never asks which one it runs.
 *
 * Every random draw (shuffling, task masking, task sampling, dropout, modality dropout) is derived
 * from (seed, purpose, epoch), so a run resumed at an epoch boundary repeats the uninterrupted one.
 */
import { batchCount, iterateBatches } from '../data/dataset/batches';
import type { TaskMaskingOptions } from '../data/dataset/masking';
import type { ScalingParams } from '../data/dataset/scaling';
import type { TrainingSet } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import type { MultiTaskModel } from '../model/model';
import { createTfOps } from '../model/ops/tf-ops';
import { tf, type Scalar } from '../model/tf';
import { Rng, deriveSeed } from '../util/random';
import { batchInputs } from './batch-tensors';
import { CallbackList, type Logs, type StopRequest, type TrainingCallback } from './callbacks/index';
import { evaluateSplit } from './evaluate';
import { countKnown, taskLoss } from './losses';
import type { Adam } from './optim/adam';
import type { LrScheduler } from './optim/schedulers/scheduler';
import type { SelfSupervised } from './ssl/self-supervised';
import type { Weighting } from './weighting/index';

export interface FitOptions {
  model: MultiTaskModel;
  /** Scaled training set (see `applyScaling`), with splits assigned. */
  data: TrainingSet;
  scaling: ScalingParams;
  weighting: Weighting;
  optimizer: Adam;
  /** One scheduler per optimiser group id. */
  schedulers: ReadonlyMap<string, LrScheduler>;
  callbacks: readonly TrainingCallback[];
  epochs: number;
  batchSize: number;
  seed: number;
  masking?: TaskMaskingOptions;
  /** Probability of hiding the structure descriptors for a whole step. */
  modalityDropout?: number;
  classWeights?: Record<string, number[] | undefined>;
  /** Self-supervised terms added to the supervised loss (pretraining). */
  selfSupervised?: SelfSupervised;
  /** The first epoch to run (after a resumed checkpoint). */
  startEpoch?: number;
  signal?: AbortSignal;
}

export interface FitResult {
  /** The last epoch that finished (−1 if none). */
  lastEpoch: number;
  history: Logs[];
  stop?: StopRequest;
  cancelled: boolean;
}

/** Mean of a running sum, or nothing when nothing was added. */
class Means {
  private readonly sums = new Map<string, { sum: number; n: number }>();
  add(key: string, value: number): void {
    const e = this.sums.get(key) ?? { sum: 0, n: 0 };
    e.sum += value;
    e.n += 1;
    this.sums.set(key, e);
  }
  get(key: string): number | undefined {
    const e = this.sums.get(key);
    return e && e.n > 0 ? e.sum / e.n : undefined;
  }
  keys(): string[] {
    return [...this.sums.keys()];
  }
}

/** The weighted total of host-side losses, computed by the strategy exactly as in training. */
function combinedLoss(weighting: Weighting, losses: ReadonlyMap<string, number>): number {
  return tf.tidy(() => weighting.combine(new Map([...losses].map(([t, v]) => [t, tf.scalar(v) as Scalar]))).dataSync()[0]);
}

export async function fit(opts: FitOptions): Promise<FitResult> {
  const { model, data, weighting, optimizer } = opts;
  const tasks = data.tasks.filter((t) => weighting.tasks.includes(t.name));
  if (tasks.length === 0) throw new CrucibleError('bad-config', 'No enabled task has a loss weight above 0.');
  const taskNames = tasks.map((t) => t.name);
  const callbacks = new CallbackList(opts.callbacks);
  const startEpoch = opts.startEpoch ?? 0;
  const batches = batchCount(data, { split: 'train', batchSize: opts.batchSize });
  if (batches === 0) throw new CrucibleError('bad-input', 'The training split is empty.', { hint: 'Lower val_split/test_split or add data.' });
  const history: Logs[] = [];
  let stop: StopRequest | undefined;
  let lastEpoch = startEpoch - 1;
  let cancelled = false;

  await callbacks.trainBegin({ epochs: opts.epochs, startEpoch, batchesPerEpoch: batches });
  for (let epoch = startEpoch; epoch < opts.epochs && !stop; epoch++) {
    await callbacks.epochBegin(epoch);
    const rng = new Rng(deriveSeed(opts.seed, 'steps', epoch));
    const ops = createTfOps(model.store, { training: true, nextSeed: () => rng.int(2 ** 31) });
    const train = new Means();
    const started = performance.now();
    let samples = 0;
    let batchIndex = 0;

    for (const batch of iterateBatches(data, { split: 'train', batchSize: opts.batchSize, seed: opts.seed, masking: opts.masking }, epoch)) {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      const labelled = tasks.filter((t) => countKnown(batch.tasks[data.tasks.indexOf(t)].mask) > 0).map((t) => t.name);
      for (const t of taskNames) if (!labelled.includes(t)) train.add(`train_${t}_all_missing`, 1);
      const selected = weighting.selectTasks(epoch * batches + batchIndex, rng, labelled);
      const dropStructure = (opts.modalityDropout ?? 0) > 0 && rng.float() < opts.modalityDropout!;
      const ssl = opts.selfSupervised;
      if (selected.length > 0 || ssl) {
        const raw = new Map<string, Scalar>();
        const { value, grads } = model.store.variableGrads(() => {
          const inputs = batchInputs(data, batch, dropStructure);
          const outputs = model.forward(ops, inputs, selected);
          const losses = new Map<string, Scalar>();
          for (const name of selected) {
            const i = data.tasks.findIndex((t) => t.name === name);
            const bt = batch.tasks[i];
            const { loss } = taskLoss(data.tasks[i].kind, outputs[name], bt.targets, bt.mask, { classWeights: opts.classWeights?.[name] });
            losses.set(name, loss);
            raw.set(name, tf.keep(loss));
          }
          let total = weighting.combine(losses);
          // Self-supervised terms carry their static weights only (seed README), outside the task weighting.
          for (const [name, loss] of ssl?.losses(ops, inputs, rng) ?? []) {
            raw.set(`ssl_${name}`, tf.keep(loss));
            total = tf.add(total, tf.mul(loss, ssl!.weight(name))) as Scalar;
          }
          return total;
        }, optimizer.variables());
        optimizer.step(grads);
        const total = value.dataSync()[0];
        train.add('train_final_loss', total);
        for (const [name, loss] of raw) train.add(name.startsWith('ssl_') ? `train_${name}_loss` : `train_${name}_raw_loss`, loss.dataSync()[0]);
        tf.dispose([value, ...Object.values(grads), ...raw.values()]);
        samples += batch.size;
        const request = await callbacks.batchEnd(epoch, { batch: batchIndex, size: batch.size, logs: { loss: total } });
        if (request) stop = request;
      }
      batchIndex++;
      if (stop) break;
    }
    if (cancelled) break;

    const logs: Logs = {};
    for (const key of train.keys()) logs[key] = train.get(key)!;
    const rawEpoch = new Map(taskNames.filter((t) => logs[`train_${t}_raw_loss`] !== undefined).map((t) => [t, logs[`train_${t}_raw_loss`]]));
    weighting.onEpochEnd(rawEpoch);
    Object.assign(logs, weighting.logs());

    const val = await evaluateSplit(model, data, opts.scaling, 'val', Math.max(opts.batchSize, 256), taskNames, opts.classWeights);
    if (val.losses.size > 0) logs.val_final_loss = combinedLoss(weighting, val.losses);
    for (const [t, loss] of val.losses) logs[`val_${t}_raw_loss`] = loss;
    for (const [t, metrics] of Object.entries(val.metrics)) for (const [m, v] of Object.entries(metrics)) logs[`val_${t}_${m}`] = v;
    for (const [m, v] of Object.entries(val.overall)) logs[`val_${m}`] = v;

    for (const group of optimizer.groupIds()) {
      logs[`lr_${group}`] = optimizer.lr(group);
      const scheduler = opts.schedulers.get(group);
      if (scheduler) optimizer.setLr(group, scheduler.step(logs));
    }
    const seconds = (performance.now() - started) / 1000;
    logs.epoch_seconds = seconds;
    logs.samples_per_s = samples / Math.max(seconds, 1e-9);

    history.push(logs);
    lastEpoch = epoch;
    const request = await callbacks.epochEnd(epoch, logs);
    if (request) stop = request;
  }
  await callbacks.trainEnd({ lastEpoch, logs: history.at(-1), stop });
  if (stop?.error) throw stop.error;
  return { lastEpoch, history, stop, cancelled };
}
