import { describe, expect, it } from 'vitest';
import type { EpochRecord } from '../../../src-main/api/contract';
import { bestEpoch, learningRates, taskLosses, taskMetrics, taskWeights, totalLoss } from '../../../src-renderer/src/lib/charts/training-series';

const values = (train: Record<string, number>, val: Record<string, number>, weighting: Record<string, number> = {}) => ({ train, val, weighting });

// Two epochs as the engine structures them, with task names that prefix each other.
const history: EpochRecord[] = [
  {
    epoch: 1,
    loss: { train: 0.9, val: 0.8 },
    tasks: {
      gap: values({ raw_loss: 1.2 }, { raw_loss: 1.1, mae: 0.61, r2: 0.4 }, { sigma: 1, weight: 0.5 }),
      gap_direct: values({ raw_loss: 0.7 }, { mae: 0.5 }),
    },
    overall: {},
    lr: { encoder: 0.001, 'head:gap': 0.001 },
    other: {},
  },
  {
    epoch: 2,
    loss: { train: 0.5, val: 0.6 },
    tasks: { gap: values({ raw_loss: 0.8 }, { raw_loss: 0.9, mae: 0.52, r2: 0.55 }, { sigma: 0.9, weight: 0.6 }), gap_direct: values({}, {}) },
    overall: {},
    lr: { encoder: 0.0005, 'head:gap': 0.0005 },
    other: {},
  },
];
const tasks = ['gap', 'gap_direct'];

describe('training chart series', () => {
  it('turns epochs into [epoch, value] points, skipping epochs without the value', () => {
    expect(totalLoss(history).map((s) => s.points)).toEqual([
      [
        [1, 0.9],
        [2, 0.5],
      ],
      [
        [1, 0.8],
        [2, 0.6],
      ],
    ]);
    const losses = taskLosses(history, tasks);
    expect(losses.map((s) => [s.name, s.points.length, s.dashed])).toEqual([
      ['gap (train)', 2, false],
      ['gap (val)', 2, true],
      ['gap_direct (train)', 1, false],
      ['gap_direct (val)', 0, true],
    ]);
  });

  it('finds each task’s validation metrics, learned weights and learning rates', () => {
    expect(taskMetrics(history, 'gap').map((s) => s.name)).toEqual(['mae', 'r2']);
    expect(taskMetrics(history, 'gap_direct').map((s) => s.name)).toEqual(['mae']);
    expect(taskMetrics(history, 'missing')).toEqual([]);
    expect(taskWeights(history, tasks).map((s) => s.name)).toEqual(['σ gap', 'weight gap']);
    expect(learningRates(history).map((s) => [s.name, s.points[1][1]])).toEqual([
      ['encoder', 0.0005],
      ['head gap', 0.0005],
    ]);
    expect(bestEpoch(history)).toBe(2);
    expect(bestEpoch([])).toBeNull();
  });
});
