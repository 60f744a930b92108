/**
 * The training loop. It owns the order of work — batches, probes, the gradient step (one tape over
 * the combined loss, or one tape per task when the weighting combines gradients itself), validation,
 * learning rate schedules, callbacks — and nothing else: strategies, measurements, schedules, stopping
 * and checkpoints are plug-ins, and the loop never asks which one it runs.
 *
 * Every random draw (shuffling, task masking, task sampling, dropout, modality dropout) is derived
 * from (seed, purpose, epoch), so a run resumed at an epoch boundary repeats the uninterrupted one.
 */
import { batchCount, iterateBatches } from '../data/dataset/batches';
import type { TaskMaskingOptions } from '../data/dataset/masking';
import type { ScalingParams } from '../data/dataset/scaling';
import type { TrainingSet } from '../data/dataset/types';
import type { Batch } from '../data/dataset/batches';
import { CrucibleError } from '../errors';
import type { MultiTaskModel } from '../model/model';
import type { Ops } from '../model/ops/ops';
import { createTfOps } from '../model/ops/tf-ops';
import type { ParamStore } from '../model/params';
import { tf, type Scalar, type Tensor } from '../model/tf';
import { Rng, deriveSeed } from '../util/random';
import { batchInputs } from './batch-tensors';
import { CallbackList, type Logs, type StopRequest, type TrainingCallback } from './callbacks/index';
import { evaluateSplit } from './evaluate';
import { countKnown, taskLoss } from './losses';
import { VAL_TASK_LOSS } from './metrics';
import type { Optimizer } from './optim/optimizer';
import type { LrScheduler } from './optim/schedulers/scheduler';
import type { SelfSupervised } from './ssl/self-supervised';
import type { Weighting } from './weighting/index';
import type { GradientStep, NamedGrads } from './weighting/weighting';

export interface FitOptions {
  model: MultiTaskModel;
  /** Scaled training set (see `applyScaling`), with splits assigned. */
  data: TrainingSet;
  scaling: ScalingParams;
  weighting: Weighting;
  optimizer: Optimizer;
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
  /** Measurements taken before each step (e.g. task affinity); none by default, and none costs nothing. */
  probes?: readonly StepProbe[];
  signal?: AbortSignal;
}

/**
 * A measurement taken at the parameters a training step starts from, on that step's batch (task
 * affinity, analysis/affinity.ts). The loop calls it before the optimiser step.
 */
export interface StepProbe {
  /** Must leave every parameter as it found it; it draws nothing from the run's random streams. */
  beforeStep(step: ProbeStep): void;
}

/** What a probe may look at in one training step. */
export interface ProbeStep {
  epoch: number;
  /** Steps since the run began: epoch × batches per epoch + batch. */
  step: number;
  /** The tasks this step trains (labelled in the batch and selected by the weighting), in task order. */
  tasks: readonly string[];
  /** The shared (encoder) parameters that train, in model order. */
  shared: readonly string[];
  /** The learning rate the shared parameters train with now. */
  sharedLr: number;
  store: ParamStore;
  /** The raw losses of `tasks` on this batch at the current parameters, in inference mode (no dropout); call inside a tape or tf.tidy. */
  losses(tasks: readonly string[]): Map<string, Scalar>;
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

/** One step's gradients and what to log about it; `release` frees every tensor once the step is applied. */
interface StepGradients {
  grads: NamedGrads;
  total: number;
  /** `train_<task>_raw_loss` and `train_ssl_<name>_loss` values. */
  logs: Map<string, number>;
  release(): void;
}

/** What both ways of computing a step's gradients need. */
interface StepInput {
  model: MultiTaskModel;
  data: TrainingSet;
  batch: Batch;
  selected: readonly string[];
  dropStructure: boolean;
  rng: Rng;
  variables: ReturnType<Optimizer['variables']>;
  selfSupervised?: SelfSupervised;
  /** A task's masked loss from its head's output on this batch. */
  lossOf(task: string, output: Tensor): Scalar;
}

/** The usual step: one tape over the strategy's combined loss plus the self-supervised terms. */
function jointGradients(input: StepInput, weighting: Weighting, ops: Ops<Tensor>): StepGradients {
  const { model, data, batch, selected, rng } = input;
  const ssl = input.selfSupervised;
  const raw = new Map<string, Scalar>();
  const { value, grads } = model.store.variableGrads(() => {
    const inputs = batchInputs(data, batch, input.dropStructure);
    const outputs = model.forward(ops, inputs, selected);
    const losses = new Map<string, Scalar>();
    for (const name of selected) {
      const loss = input.lossOf(name, outputs[name]);
      losses.set(name, loss);
      raw.set(`train_${name}_raw_loss`, tf.keep(loss));
    }
    let total = weighting.combine(losses);
    // Self-supervised terms carry their static weights only (seed README), outside the task weighting.
    for (const [name, loss] of ssl?.losses(ops, inputs, rng) ?? []) {
      raw.set(`train_ssl_${name}_loss`, tf.keep(loss));
      total = tf.add(total, tf.mul(loss, ssl!.weight(name))) as Scalar;
    }
    return total;
  }, input.variables);
  return {
    grads,
    total: value.dataSync()[0],
    logs: new Map([...raw].map(([k, v]) => [k, v.dataSync()[0]])),
    release: () => tf.dispose([value, ...Object.values(grads), ...raw.values()]),
  };
}

/**
 * A gradient-level strategy's step: one tape per selected task on its raw loss, the strategy combines
 * the task gradients, and the self-supervised terms' gradient (one more tape) is added after. Every
 * tape draws the same dropout masks (one seed per step), so the task gradients are those of one forward pass.
 */
function perTaskGradients(input: StepInput, weighting: Weighting, shape: Omit<GradientStep, 'rng'>): StepGradients {
  const { model, data, batch, selected, rng } = input;
  const stepSeed = rng.int(2 ** 31);
  const stepOps = () => {
    const dropout = new Rng(stepSeed);
    return createTfOps(model.store, { training: true, nextSeed: () => dropout.int(2 ** 31) });
  };
  const perTask = new Map<string, NamedGrads>();
  const rawLosses = new Map<string, number>();
  for (const name of selected) {
    const { value, grads } = model.store.variableGrads(
      () => input.lossOf(name, model.forward(stepOps(), batchInputs(data, batch, input.dropStructure), [name])[name]),
      input.variables,
    );
    rawLosses.set(name, value.dataSync()[0]);
    value.dispose();
    perTask.set(name, grads);
  }
  const logs = new Map([...rawLosses].map(([t, v]) => [`train_${t}_raw_loss`, v]));
  // The reported loss uses the strategy's state before this step updates it.
  let total = selected.length ? combinedLoss(weighting, rawLosses) : 0;
  const combined: NamedGrads = selected.length ? tf.tidy(() => weighting.combineGradients!(perTask, rawLosses, { ...shape, rng })) : {};
  const owned: Tensor[] = [...[...perTask.values()].flatMap((g) => Object.values(g)), ...Object.values(combined)];
  const ssl = input.selfSupervised;
  if (ssl) {
    const sslLosses = new Map<string, Scalar>();
    const { value, grads } = model.store.variableGrads(() => {
      const terms = [...ssl.losses(stepOps(), batchInputs(data, batch, input.dropStructure), rng)].map(([name, loss]) => {
        sslLosses.set(name, tf.keep(loss));
        return tf.mul(loss, ssl.weight(name));
      });
      return (terms.length ? tf.addN(terms) : tf.scalar(0)) as Scalar;
    }, input.variables);
    total += value.dataSync()[0];
    for (const [name, loss] of sslLosses) logs.set(`train_ssl_${name}_loss`, loss.dataSync()[0]);
    for (const [param, g] of Object.entries(grads)) {
      combined[param] = combined[param] ? tf.add(combined[param], g) : g;
      owned.push(combined[param]);
    }
    owned.push(value, ...Object.values(grads), ...sslLosses.values());
  }
  return { grads: combined, total, logs, release: () => tf.dispose([...new Set(owned)]) };
}

/** The encoder's trainable parameters (what every task shares) and its last layer's (GradNorm's W). */
function sharedParameters(model: MultiTaskModel, variables: StepInput['variables']): Omit<GradientStep, 'rng'> {
  const trainable = new Set(variables);
  // Every encoder parameter, LoRA adapters included, is named under 'encoder.' (model/encoder.ts).
  const shared = model.store.names().filter((n) => n.startsWith('encoder.') && trainable.has(model.store.get(n)));
  const deposit = model.encoder.deposit;
  const last = [deposit.kernelName, deposit.biasName, deposit.loraInfo?.a, deposit.loraInfo?.b];
  return { shared, lastSharedLayer: shared.filter((n) => last.includes(n)) };
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
  const probes = opts.probes ?? [];
  const variables = optimizer.variables();
  const shape = sharedParameters(model, variables);
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
      const step = epoch * batches + batchIndex;
      const selected = weighting.selectTasks(step, rng, labelled);
      const dropStructure = (opts.modalityDropout ?? 0) > 0 && rng.float() < opts.modalityDropout!;
      const ssl = opts.selfSupervised;
      if (selected.length > 0 || ssl) {
        const lossOf = (name: string, output: Tensor): Scalar => {
          const i = data.tasks.findIndex((t) => t.name === name);
          const bt = batch.tasks[i];
          return taskLoss(data.tasks[i].kind, output, bt.targets, bt.mask, { classWeights: opts.classWeights?.[name] }).loss;
        };
        if (probes.length > 0 && selected.length > 0) {
          const evalOps = createTfOps(model.store, { training: false });
          const probeStep: ProbeStep = {
            epoch,
            step,
            tasks: selected,
            shared: shape.shared,
            sharedLr: shape.shared.length ? optimizer.paramLr(shape.shared[0]) : 0,
            store: model.store,
            losses: (names) => {
              const outputs = model.forward(evalOps, batchInputs(data, batch), names);
              return new Map(names.map((n) => [n, lossOf(n, outputs[n])]));
            },
          };
          for (const probe of probes) probe.beforeStep(probeStep);
        }
        const input: StepInput = { model, data, batch, selected, dropStructure, rng, variables, selfSupervised: ssl, lossOf };
        const result = weighting.combineGradients ? perTaskGradients(input, weighting, shape) : jointGradients(input, weighting, ops);
        optimizer.step(result.grads);
        train.add('train_final_loss', result.total);
        for (const [key, value] of result.logs) train.add(key, value);
        result.release();
        samples += batch.size;
        const request = await callbacks.batchEnd(epoch, { batch: batchIndex, size: batch.size, logs: { loss: result.total } });
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
    if (val.losses.size > 0) {
      logs.val_final_loss = combinedLoss(weighting, val.losses);
      // The tasks' mean raw loss: unlike val_final_loss it does not move when learned task weights do.
      logs[VAL_TASK_LOSS] = [...val.losses.values()].reduce((a, b) => a + b, 0) / val.losses.size;
    }
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
