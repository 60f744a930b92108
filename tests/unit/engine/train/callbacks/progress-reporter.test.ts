import { describe, expect, it } from 'vitest';
import { ProgressReporter, type ProgressEvent } from '../../../../../src-main/engine/train/callbacks/progress-reporter';

/** A reporter on a hand-driven clock (milliseconds) and the events it sent. */
function setup(minIntervalMs = 0) {
  let t = 0;
  const events: ProgressEvent[] = [];
  const reporter = new ProgressReporter({ sink: (e) => events.push(e), now: () => t, minIntervalMs });
  return { reporter, events, advance: (ms: number) => (t += ms) };
}

describe('ProgressReporter', () => {
  it('reports throughput and an ETA extrapolated from the first batches, then from finished epochs', () => {
    const { reporter, events, advance } = setup();
    reporter.onTrainBegin({ epochs: 3, startEpoch: 0, batchesPerEpoch: 4 });
    reporter.onEpochBegin();
    advance(1000);
    reporter.onBatchEnd(0, { batch: 0, size: 10 });
    // One batch in 1 s of a 4-batch epoch: epoch ≈ 4 s, so 3 s left here plus 2 more epochs of 4 s.
    expect(events[0]).toEqual({ type: 'batch', epoch: 0, epochs: 3, batch: 1, batches: 4, samplesPerSecond: 10, etaSeconds: 11 });
    for (let b = 1; b < 4; b++) {
      advance(1000);
      reporter.onBatchEnd(0, { batch: b, size: 10 });
    }
    advance(1000); // validation
    reporter.onEpochEnd(0, { loss: 1 });
    expect(events.at(-1)).toEqual({ type: 'epoch', epoch: 0, epochs: 3, batch: 4, batches: 4, samplesPerSecond: 8, etaSeconds: 10, logs: { loss: 1 } });

    reporter.onEpochBegin();
    advance(500);
    reporter.onBatchEnd(1, { batch: 0, size: 10 });
    advance(500);
    reporter.onBatchEnd(1, { batch: 1, size: 10 });
    // A finished epoch took 5 s: half of this one and all of the last remain.
    expect(events.at(-1)).toMatchObject({ epoch: 1, batch: 2, samplesPerSecond: 20, etaSeconds: 7.5 });
  });

  it('throttles batch events but always reports the last batch of an epoch', () => {
    const { reporter, events, advance } = setup(250);
    reporter.onTrainBegin({ epochs: 1, startEpoch: 0, batchesPerEpoch: 10 });
    reporter.onEpochBegin();
    for (let b = 0; b < 10; b++) {
      advance(100);
      reporter.onBatchEnd(0, { batch: b, size: 4 });
    }
    expect(events.map((e) => e.batch)).toEqual([1, 4, 7, 10]);
    expect(events.at(-1)?.etaSeconds).toBe(0);
  });
});
