/** Early stopping: ends training when a monitored value has not improved for `patience` epochs (Keras `EarlyStopping`). */
import { MonitorTracker, type MonitorOptions } from './monitor';
import type { CallbackState, Logs, StopRequest, TrainingCallback } from './callback';

export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement before stopping; default 10. */
  patience?: number;
}

/**
 * Stops after `patience` epochs in a row fail to beat the best monitored value by more than
 * `minDelta`. It restores nothing: `bestEpoch` says which epoch to take weights from (the best checkpoint).
 *
 * @example new EarlyStopping({ monitor: 'val_loss', patience: 20, minDelta: 1e-4 })
 */
export class EarlyStopping implements TrainingCallback {
  private readonly tracker: MonitorTracker;
  private readonly patience: number;
  private wait = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    this.tracker = new MonitorTracker(options);
    this.patience = options.patience ?? 10;
  }

  /** The epoch with the best monitored value so far (−1 before the first epoch). */
  get bestEpoch(): number {
    return this.tracker.bestEpoch;
  }

  get bestValue(): number | null {
    return this.tracker.best;
  }

  onEpochEnd(epoch: number, logs: Logs): StopRequest | void {
    if (this.tracker.update(epoch, logs)) {
      this.wait = 0;
      return;
    }
    this.wait += 1;
    if (this.wait >= this.patience) {
      const best = this.tracker.best === null ? 'no finite value yet' : `best ${this.tracker.best.toPrecision(4)} at epoch ${this.tracker.bestEpoch + 1}`;
      return { reason: `Early stopping: ${this.tracker.monitor} has not improved for ${this.wait} epochs (${best}).` };
    }
  }

  state(): CallbackState {
    return { ...this.tracker.state(), wait: this.wait };
  }

  loadState(state: CallbackState): void {
    this.tracker.loadState(state);
    this.wait = state.wait ?? 0;
  }
}
