import { describe, expect, it } from 'vitest';
import type { EpochLogs } from '../../../src-main/api/contract';
import { bestEpoch, learningRates, parseLogKey, taskLosses, taskMetrics, taskWeights, totalLoss } from '../../../src-renderer/src/lib/charts/training-series';

// Two epochs of real log keys as fit.ts writes them, with task names that prefix each other.
const history: EpochLogs[] = [
  {
    train_final_loss: 0.9,
    val_final_loss: 0.8,
    train_gap_raw_loss: 1.2,
    train_gap_direct_raw_loss: 0.7,
    val_gap_raw_loss: 1.1,
    val_gap_mae: 0.61,
    val_gap_r2: 0.4,
    val_gap_direct_mae: 0.5,
    gap_sigma: 1,
    gap_weight: 0.5,
    lr_encoder: 0.001,
    'lr_head:gap': 0.001,
  },
  {
    train_final_loss: 0.5,
    val_final_loss: 0.6,
    train_gap_raw_loss: 0.8,
    val_gap_raw_loss: 0.9,
    val_gap_mae: 0.52,
    val_gap_r2: 0.55,
    gap_sigma: 0.9,
    gap_weight: 0.6,
    lr_encoder: 0.0005,
    'lr_head:gap': 0.0005,
  },
];
const tasks = ['gap', 'gap_direct'];

describe('training chart series', () => {
  it('splits log keys by split, task and measure; the longest task name wins', () => {
    expect(parseLogKey('val_gap_direct_mae', tasks)).toEqual({ split: 'val', task: 'gap_direct', name: 'mae' });
    expect(parseLogKey('val_gap_mae', tasks)).toEqual({ split: 'val', task: 'gap', name: 'mae' });
    expect(parseLogKey('gap_sigma', tasks)).toEqual({ split: null, task: 'gap', name: 'sigma' });
    expect(parseLogKey('val_final_loss', tasks)).toEqual({ split: 'val', task: null, name: 'final_loss' });
  });

  it('turns epochs into [epoch, value] points, skipping epochs without the key', () => {
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
    expect(taskMetrics(history, tasks, 'gap').map((s) => s.name)).toEqual(['mae', 'r2']);
    expect(taskMetrics(history, tasks, 'gap_direct').map((s) => s.name)).toEqual(['mae']);
    expect(taskWeights(history, tasks).map((s) => s.name)).toEqual(['σ gap', 'weight gap']);
    expect(learningRates(history).map((s) => [s.name, s.points[1][1]])).toEqual([
      ['encoder', 0.0005],
      ['head gap', 0.0005],
    ]);
    expect(bestEpoch(history)).toBe(2);
    expect(bestEpoch([])).toBeNull();
  });
});
