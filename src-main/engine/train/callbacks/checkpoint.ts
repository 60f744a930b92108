/** Checkpointing: saves the best and the last epoch through an injected writer (the trainer owns serialisation). */
import { MonitorTracker, type MonitorOptions } from './monitor';
import type { CallbackState, Logs, TrainingCallback } from './callback';

export type CheckpointKind = 'best' | 'last';

export interface CheckpointOptions extends MonitorOptions {
  /** Writes the model (and for 'last' the optimiser and trainer state) as of the end of `epoch`. */
  save: (kind: CheckpointKind, epoch: number, logs: Logs) => void | Promise<void>;
  /** Default true. */
  saveBest?: boolean;
  /** Default true: the resume point. */
  saveLast?: boolean;
}

/**
 * After each epoch saves 'best' when the monitored value improves (by more than `minDelta`), then
 * 'last', in that order, so a crash right after leaves a 'last' no older than 'best'. Put it last in
 * the callback list: the 'last' save should capture the other callbacks' state after this epoch.
 *
 * @example new Checkpoint({ monitor: 'val_loss', save: (kind, epoch) => writeCheckpoint(runDir, kind, epoch) })
 */
export class Checkpoint implements TrainingCallback {
  private readonly tracker: MonitorTracker;

  constructor(private readonly options: CheckpointOptions) {
    this.tracker = new MonitorTracker(options);
  }

  /** The epoch saved as 'best' (−1 before the first). */
  get bestEpoch(): number {
    return this.tracker.bestEpoch;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if ((this.options.saveBest ?? true) && this.tracker.update(epoch, logs)) await this.options.save('best', epoch, logs);
    if (this.options.saveLast ?? true) await this.options.save('last', epoch, logs);
  }

  state(): CallbackState {
    return this.tracker.state();
  }

  loadState(state: CallbackState): void {
    this.tracker.loadState(state);
  }
}
