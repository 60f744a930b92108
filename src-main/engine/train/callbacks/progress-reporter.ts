/** Progress reporting: turns batch and epoch ends into progress events (throughput, ETA) for a sink such as the CLI bar or the UI event stream. */
import type { BatchInfo, Logs, TrainBeginInfo, TrainingCallback } from './callback';

export interface ProgressEvent {
  type: 'batch' | 'epoch';
  /** Epoch index from 0, and the run's total. */
  epoch: number;
  epochs: number;
  /** Finished batches of this epoch, and batches per epoch. */
  batch: number;
  batches: number;
  /** Training samples per second over this epoch so far (0 until time has passed). */
  samplesPerSecond: number;
  /** Estimated seconds until the last epoch ends, validation included (null until it can be estimated). */
  etaSeconds: number | null;
  /** The epoch's logs, on 'epoch' events. */
  logs?: Logs;
}

export interface ProgressReporterOptions {
  sink: (event: ProgressEvent) => void;
  /** Milliseconds; default `performance.now`. Injected so tests need no real clock. */
  now?: () => number;
  /** At most one batch event per this many milliseconds (the epoch's last batch always reports); default 0. */
  minIntervalMs?: number;
}

/**
 * Reports progress to a sink. The ETA uses the mean duration of the epochs finished in this session
 * (training plus validation); during the first epoch it extrapolates from the batches done.
 *
 * @example new ProgressReporter({ sink: (e) => bar.update(e.batch, { eta: e.etaSeconds }), minIntervalMs: 100 })
 */
export class ProgressReporter implements TrainingCallback {
  private readonly now: () => number;
  private epochs = 0;
  private batches = 0;
  private epochStart = 0;
  private samples = 0;
  private lastEmit = -Infinity;
  private finishedEpochs = 0;
  private finishedTime = 0;

  constructor(private readonly options: ProgressReporterOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  onTrainBegin(info: TrainBeginInfo): void {
    this.epochs = info.epochs;
    this.batches = info.batchesPerEpoch;
  }

  onEpochBegin(): void {
    this.epochStart = this.now();
    this.samples = 0;
    this.lastEmit = -Infinity;
  }

  onBatchEnd(epoch: number, batch: BatchInfo): void {
    this.samples += batch.size;
    const t = this.now();
    const done = batch.batch + 1;
    if (done < this.batches && t - this.lastEmit < (this.options.minIntervalMs ?? 0)) return;
    this.lastEmit = t;
    const elapsed = (t - this.epochStart) / 1000;
    const fraction = this.batches > 0 ? done / this.batches : 1;
    const epochSeconds = this.finishedEpochs > 0 ? this.finishedTime / this.finishedEpochs : elapsed > 0 ? elapsed / fraction : null;
    const eta = epochSeconds === null ? null : Math.max(epochSeconds * (1 - fraction), 0) + epochSeconds * (this.epochs - epoch - 1);
    this.options.sink({ type: 'batch', epoch, epochs: this.epochs, batch: done, batches: this.batches, samplesPerSecond: this.rate(elapsed), etaSeconds: eta });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const elapsed = (this.now() - this.epochStart) / 1000;
    this.finishedEpochs += 1;
    this.finishedTime += elapsed;
    const eta = (this.finishedTime / this.finishedEpochs) * (this.epochs - epoch - 1);
    this.options.sink({
      type: 'epoch',
      epoch,
      epochs: this.epochs,
      batch: this.batches,
      batches: this.batches,
      samplesPerSecond: this.rate(elapsed),
      etaSeconds: eta,
      logs,
    });
  }

  private rate(elapsedSeconds: number): number {
    return elapsedSeconds > 0 ? this.samples / elapsedSeconds : 0;
  }
}
