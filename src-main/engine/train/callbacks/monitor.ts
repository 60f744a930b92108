/** Tracks the best value of one monitored log key across epochs (shared by early stopping and checkpoints). */
import { CrucibleError } from '../../errors';
import { monitorMode } from '../metrics';
import type { CallbackState, Logs } from './callback';

export interface MonitorOptions {
  /** Log key to watch; default 'val_loss'. */
  monitor?: string;
  /** 'auto' (default) picks 'max' for R², accuracy, F1, AUC, cosine and 'min' otherwise. */
  mode?: 'min' | 'max' | 'auto';
  /** An epoch improves only when it beats the best by more than this; default 0. */
  minDelta?: number;
}

export class MonitorTracker {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  private readonly minDelta: number;
  private bestValue: number | null = null;
  private bestAt = -1;

  constructor(options: MonitorOptions = {}) {
    this.monitor = options.monitor ?? 'val_loss';
    const mode = options.mode ?? 'auto';
    this.mode = mode === 'auto' ? monitorMode(this.monitor) : mode;
    this.minDelta = Math.abs(options.minDelta ?? 0);
  }

  /** The best value so far (null before the first finite one). */
  get best(): number | null {
    return this.bestValue;
  }

  /** The epoch of the best value (−1 before the first). */
  get bestEpoch(): number {
    return this.bestAt;
  }

  /** Reads the monitored value from an epoch's logs and returns whether it is a new best. NaN never is. */
  update(epoch: number, logs: Logs): boolean {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new CrucibleError('bad-config', `The monitored value "${this.monitor}" is not among the epoch logs.`, {
        hint: `Monitor one of: ${Object.keys(logs).join(', ')} (val_ keys need a validation split).`,
      });
    }
    if (Number.isNaN(value)) return false;
    const improved = this.bestValue === null || (this.mode === 'min' ? value < this.bestValue - this.minDelta : value > this.bestValue + this.minDelta);
    if (improved) {
      this.bestValue = value;
      this.bestAt = epoch;
    }
    return improved;
  }

  state(): CallbackState {
    return { best: this.bestValue, bestEpoch: this.bestAt };
  }

  loadState(state: CallbackState): void {
    this.bestValue = state.best ?? null;
    this.bestAt = state.bestEpoch ?? -1;
  }
}
