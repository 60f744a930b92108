/** Early stopping: ends training when monitored values have not improved for `patience` epochs (Keras `EarlyStopping`). */
import { MonitorTracker, type MonitorOptions } from './monitor';
import type { CallbackState, Logs, StopRequest, TrainingCallback } from './callback';

export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement before stopping; default 10. */
  patience?: number;
  /**
   * Several monitors instead of `monitor` (e.g. every task's own validation metric): an epoch counts as
   * an improvement when any of them improves, so training goes on while some task still learns.
   */
  monitors?: readonly string[];
}

/**
 * Stops after `patience` epochs in a row fail to beat the best monitored value by more than
 * `minDelta`. It restores nothing: `bestEpoch` says which epoch to take weights from (the best checkpoint).
 *
 * @example new EarlyStopping({ monitor: 'val_loss', patience: 20, minDelta: 1e-4 })
 * @example new EarlyStopping({ monitors: ['val_gap_mae', 'val_metal_raw_loss'], patience: 30 })
 */
export class EarlyStopping implements TrainingCallback {
  private readonly trackers: MonitorTracker[];
  private readonly patience: number;
  private wait = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    const monitors = options.monitors?.length ? options.monitors : [options.monitor];
    this.trackers = monitors.map((monitor) => new MonitorTracker({ ...options, monitor }));
    this.patience = options.patience ?? 10;
  }

  /** The last epoch at which a monitored value reached its best (−1 before the first epoch). */
  get bestEpoch(): number {
    return Math.max(...this.trackers.map((t) => t.bestEpoch));
  }

  /** The best value of the (first) monitor. */
  get bestValue(): number | null {
    return this.trackers[0].best;
  }

  onEpochEnd(epoch: number, logs: Logs): StopRequest | void {
    // Every tracker sees every epoch (no short-circuit), so each keeps its own best.
    const improved = this.trackers.map((t) => t.update(epoch, logs)).some(Boolean);
    if (improved) {
      this.wait = 0;
      return;
    }
    this.wait += 1;
    if (this.wait >= this.patience) {
      const [first] = this.trackers;
      if (this.trackers.length > 1) {
        return {
          reason: `Early stopping: none of ${this.trackers.length} monitored values has improved for ${this.wait} epochs (last best at epoch ${this.bestEpoch + 1}).`,
        };
      }
      const best = first.best === null ? 'no finite value yet' : `best ${first.best.toPrecision(4)} at epoch ${first.bestEpoch + 1}`;
      return { reason: `Early stopping: ${first.monitor} has not improved for ${this.wait} epochs (${best}).` };
    }
  }

  state(): CallbackState {
    if (this.trackers.length === 1) return { ...this.trackers[0].state(), wait: this.wait };
    const state: CallbackState = { wait: this.wait };
    this.trackers.forEach((t, i) => {
      for (const [k, v] of Object.entries(t.state())) state[`${k}_${i}`] = v;
    });
    return state;
  }

  loadState(state: CallbackState): void {
    if (this.trackers.length === 1) this.trackers[0].loadState(state);
    else this.trackers.forEach((t, i) => t.loadState({ best: state[`best_${i}`] ?? null, bestEpoch: state[`bestEpoch_${i}`] ?? -1 }));
    this.wait = state.wait ?? 0;
  }
}
