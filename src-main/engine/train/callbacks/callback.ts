/**
 * Training callbacks: the loop owns the order of work, and early stopping, the NaN guard, checkpoints
 * and progress reporting hook in here (Keras's `Callback`). Every hook is optional; an absent hook is a no-op.
 */
import type { CrucibleError } from '../../errors';

/**
 * Keras-style flat epoch record: `loss`, `val_loss`, `train_<task>_raw_loss`, `val_<task>_mae`,
 * `lr_encoder`, `<task>_sigma`, … Numbers only; a metric that cannot be computed is left out, not NaN.
 */
export type Logs = Record<string, number>;

export interface TrainBeginInfo {
  /** Total epochs of the run (epochs are numbered from 0). */
  epochs: number;
  /** The first epoch this session runs: 0, or the epoch after the checkpoint when resuming. */
  startEpoch: number;
  /** Training batches per epoch. */
  batchesPerEpoch: number;
}

export interface BatchInfo {
  /** Index of the finished batch within the epoch, from 0. */
  batch: number;
  /** Samples in the batch. */
  size: number;
  /** The batch's numbers when the loop reads them (e.g. `{ loss }`); reading waits for the device. */
  logs?: Logs;
}

/** A callback's request to end training after the current batch or epoch. */
export interface StopRequest {
  /** One sentence for the run's log, e.g. "No improvement of val_loss for 10 epochs; best at epoch 12." */
  reason: string;
  /** Present when stopping means the run failed (divergence): the trainer reports it after onTrainEnd. */
  error?: CrucibleError;
}

export interface TrainEndInfo {
  /** The last epoch that finished, or startEpoch − 1 when none did. */
  lastEpoch: number;
  /** The logs of that epoch. */
  logs?: Logs;
  stop?: StopRequest;
}

/** A callback's resumable state: plain numbers (null for "none yet"), safe to write as JSON. */
export type CallbackState = Record<string, number | null>;

type MaybePromise<T> = T | Promise<T>;

/**
 * A training extension. Epochs and batches are numbered from 0; messages for people add 1.
 *
 * @example
 * const printer: TrainingCallback = { onEpochEnd: (epoch, logs) => console.log(epoch + 1, logs.loss) };
 */
export interface TrainingCallback {
  onTrainBegin?(info: TrainBeginInfo): MaybePromise<void>;
  onEpochBegin?(epoch: number): MaybePromise<void>;
  onBatchEnd?(epoch: number, batch: BatchInfo): MaybePromise<StopRequest | void>;
  /** After validation and scheduling: `logs` is the epoch's full record. */
  onEpochEnd?(epoch: number, logs: Logs): MaybePromise<StopRequest | void>;
  onTrainEnd?(info: TrainEndInfo): MaybePromise<void>;
  /** What the callback must remember across a resume (e.g. early stopping's best value). */
  state?(): CallbackState;
  loadState?(state: CallbackState): void;
}

/** Runs callbacks in order; every callback sees every event even after one asks to stop. */
export class CallbackList {
  constructor(readonly callbacks: readonly TrainingCallback[]) {}

  async trainBegin(info: TrainBeginInfo): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(info);
  }

  async epochBegin(epoch: number): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch);
  }

  /** The stop request to honour, if any: the first failing one, else the first one. */
  async batchEnd(epoch: number, batch: BatchInfo): Promise<StopRequest | undefined> {
    const requests: StopRequest[] = [];
    for (const c of this.callbacks) {
      const r = await c.onBatchEnd?.(epoch, batch);
      if (r) requests.push(r);
    }
    return firstStop(requests);
  }

  /** The stop request to honour, if any: the first failing one, else the first one. */
  async epochEnd(epoch: number, logs: Logs): Promise<StopRequest | undefined> {
    const requests: StopRequest[] = [];
    for (const c of this.callbacks) {
      const r = await c.onEpochEnd?.(epoch, logs);
      if (r) requests.push(r);
    }
    return firstStop(requests);
  }

  async trainEnd(info: TrainEndInfo): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(info);
  }

  /** Each callback's state by position (null for stateless ones); resume with the same callback list. */
  state(): (CallbackState | null)[] {
    return this.callbacks.map((c) => c.state?.() ?? null);
  }

  loadState(states: readonly (CallbackState | null)[]): void {
    this.callbacks.forEach((c, i) => {
      const s = states[i];
      if (s && c.loadState) c.loadState(s);
    });
  }
}

function firstStop(requests: StopRequest[]): StopRequest | undefined {
  return requests.find((r) => r.error) ?? requests[0];
}
