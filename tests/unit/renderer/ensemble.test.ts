import { describe, expect, it } from 'vitest';
import type { MetricsReport } from '../../../src-main/api/contract';
import { intervalBars, intervalSummary, memberTable, percent, type TaskInterval } from '../../../src-renderer/src/lib/eval/ensemble';
import type { TaskPredictions } from '../../../src-renderer/src/lib/eval/evaluation';

const interval = (over: Partial<TaskInterval>): TaskInterval => ({
  coverage: 0.9,
  q: 1.7,
  calibration_rows: 460,
  test_coverage: 0.887,
  mean_width: 1.2345,
  test_rows: 461,
  ...over,
});

describe('ensemble views', () => {
  it('says in one line how the intervals did on the test rows, or why there is no figure', () => {
    expect(intervalSummary(interval({}))).toBe('90 % intervals: 88.7 % of 461 test rows inside, mean width 1.23');
    expect(percent(0.975)).toBe('97.5 %');
    expect(intervalSummary(interval({ q: null, calibration_rows: 5, mean_width: null }))).toBe(
      '90 % intervals: unbounded, 5 validation rows are too few to calibrate them',
    );
    expect(intervalSummary(interval({ test_coverage: null, test_rows: 0 }))).toContain('no labelled test rows');
  });

  it('draws an error bar for each labelled row with a finite interval', () => {
    const task: TaskPredictions = {
      name: 'gap',
      type: 'regression',
      predicted: [1, 2, 3, 4],
      measured: [1.1, null, 2.9, 4],
      scores: null,
      interval: { std: [0.1, 0.1, 0.2, null], lo: [0.8, 1.8, 2.5, null], hi: [1.2, 2.2, 3.5, null] },
      steps: null,
      stepsColumn: null,
    };
    expect(intervalBars(task)).toEqual([
      [1.1, 0.8, 1.2, 0],
      [2.9, 2.5, 3.5, 2],
    ]);
    expect(intervalBars({ ...task, interval: null })).toEqual([]);
  });

  it("lists each member's headline test metric, then the ensemble's, and nothing for a single model", () => {
    const metrics: MetricsReport = {
      tasks: {
        gap: { type: 'regression', val: { mae: 0.5 }, test: { mae: 0.4, r2: 0.8 } },
        metal: { type: 'classification', val: {}, test: { accuracy: 0.9 } },
      },
      overall: { val: {}, test: {} },
      best_epoch: 5,
      epochs_run: 8,
      stopped_early: null,
      ensemble: {
        size: 2,
        members: [
          { seed: 42, best_epoch: 5, epochs_run: 8, test: { gap: { mae: 0.45 }, metal: { accuracy: 0.88 } } },
          { seed: 7, best_epoch: 4, epochs_run: 7, test: { gap: { mae: 0.47 } } },
        ],
      },
    };
    const table = memberTable(metrics)!;
    expect(table.columns).toEqual([
      { task: 'gap', metric: 'mae' },
      { task: 'metal', metric: 'accuracy' },
    ]);
    expect(table.rows.map((r) => [r.label, r.seed, r.values])).toEqual([
      ['Member 1', 42, [0.45, 0.88]],
      ['Member 2', 7, [0.47, undefined]],
      ['Ensemble of 2', null, [0.4, 0.9]],
    ]);
    expect(memberTable({ ...metrics, ensemble: undefined })).toBeNull();
    expect(memberTable(null)).toBeNull();
  });
});
