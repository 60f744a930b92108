import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataSet } from '../../../helpers/paths';
import {
  balancedAccuracy,
  classificationMetrics,
  curveMetrics,
  higherIsBetter,
  macroF1,
  monitorMode,
  overallMetrics,
  regressionMetrics,
  rocAuc,
  taskMetrics,
} from '../../../../src-main/engine/train/metrics';

/** Rows of a plain two-column CSV (no quoted cells) as [first column, numeric second column]. */
function readPairs(file: string): Array<[string, number]> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [a, b] = line.split(',');
      return [a, Number(b)];
    });
}

/** AUC by its definition: P(score of a positive > score of a negative) + ½·P(tie), over all pairs. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('regression metrics', () => {
  it('computes MAE, RMSE and R² over known entries on a hand example', () => {
    // Known: targets 1, 2, 4 with predictions 1.5, 2, 3; the masked entry (100) must not count.
    const m = regressionMetrics([1.5, 2, 100, 3], [1, 2, 0, 4], [1, 1, 0, 1]);
    expect(m.mae).toBeCloseTo(1.5 / 3, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(1.25 / 3), 12);
    // mean 7/3; SS_tot = 16/9 + 1/9 + 25/9 = 42/9; SS_res = 1.25.
    expect(m.r2).toBeCloseTo(1 - 1.25 / (42 / 9), 12);
  });

  it('gives R² = 1 for a perfect predictor and 0 for the mean predictor, on the steels yield data', () => {
    const y = readPairs(dataSet('matbench_steels_yield', 'steels_yield.csv')).map(([, v]) => v);
    expect(y).toHaveLength(312);
    const mask = y.map(() => 1);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const perfect = regressionMetrics(y, y, mask);
    expect(perfect).toEqual({ mae: 0, rmse: 0, r2: 1 });
    const baseline = regressionMetrics(
      y.map(() => mean),
      y,
      mask,
    );
    expect(baseline.r2).toBeCloseTo(0, 12);
    const std = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / y.length);
    expect(baseline.rmse).toBeCloseTo(std, 8);
  });

  it('averages R² over the columns of a vector target, and leaves out everything when nothing is known', () => {
    // Column 0 is perfect (R² 1); column 1 predicts its mean (R² 0).
    const m = regressionMetrics([1, 5, 2, 5, 3, 5], [1, 4, 2, 5, 3, 6], [1, 1, 1, 1, 1, 1], 2);
    expect(m.r2).toBeCloseTo(0.5, 12);
    expect(regressionMetrics([1, 2], [3, 4], [0, 0])).toEqual({});
  });

  it('follows scikit-learn for constant targets: 1 when exact, 0 otherwise', () => {
    expect(regressionMetrics([2, 2], [2, 2], [1, 1]).r2).toBe(1);
    expect(regressionMetrics([2, 3], [2, 2], [1, 1]).r2).toBe(0);
  });
});

describe('ROC AUC', () => {
  it('gives ties half a win (mid-ranks)', () => {
    expect(rocAuc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1])).toBe(0.875);
    expect(rocAuc([0.5, 0.5, 0.5], [0, 1, 1])).toBe(0.5);
    expect(rocAuc([1, 2, 3], [0, 1, 1])).toBe(1);
    expect(rocAuc([3, 2, 1], [0, 1, 1])).toBe(0);
  });

  it('is undefined with one class only', () => {
    expect(rocAuc([1, 2], [1, 1])).toBeNull();
  });

  it('equals the pairwise definition on the glass-forming data, ranked by formula length (many ties)', () => {
    const rows = readPairs(dataSet('matbench_glass', 'glass.csv'));
    expect(rows).toHaveLength(5680);
    const scores = rows.map(([formula]) => formula.length);
    const labels = rows.map(([, gfa]) => gfa);
    const auc = rocAuc(scores, labels)!;
    expect(auc).toBeCloseTo(pairwiseAuc(scores, labels), 10);
    expect(auc).toBeGreaterThan(0.5);
  });
});

describe('classification metrics', () => {
  it('computes macro-F1 on an unbalanced example', () => {
    const actual = [0, 0, 0, 0, 0, 0, 1, 1];
    const predicted = [0, 0, 0, 0, 0, 1, 1, 0];
    // Class 0: TP 5, FP 1, FN 1 → 10/12; class 1: TP 1, FP 1, FN 1 → 2/4.
    expect(macroF1(predicted, actual, 2)).toBeCloseTo((10 / 12 + 0.5) / 2, 12);
    // A class absent from both truth and predictions does not dilute the mean (scikit-learn's label set).
    expect(macroF1(predicted, actual, 5)).toBeCloseTo((10 / 12 + 0.5) / 2, 12);
    // A class that is never predicted scores 0.
    expect(macroF1([0, 0, 0], [0, 0, 1], 2)).toBeCloseTo((4 / 5 + 0) / 2, 12);
  });

  it('computes balanced accuracy as scikit-learn does: mean recall over the classes in the truth', () => {
    const actual = [0, 0, 0, 0, 0, 0, 1, 1];
    const predicted = [0, 0, 0, 0, 0, 1, 1, 0];
    // sklearn.metrics.balanced_accuracy_score(actual, predicted) = (5/6 + 1/2) / 2 = 0.6666…
    expect(balancedAccuracy(predicted, actual, 2)).toBeCloseTo((5 / 6 + 0.5) / 2, 12);
    // Always predicting the majority class: accuracy 0.75 here, balanced accuracy 0.5.
    expect(balancedAccuracy([0, 0, 0, 0, 0, 0, 0, 0], actual, 2)).toBe(0.5);
    expect(balancedAccuracy([1, 2], [1, 1], 4)).toBe(0.5);
    expect(balancedAccuracy([], [], 2)).toBeNull();
  });

  it('derives accuracy, F1 and AUC from binary logits, ignoring masked rows', () => {
    const logits = [2, 0, 0, 1, 1, 0.5, 0, 3, 9, -9];
    const target = [0, 1, 1, 1, 0];
    const mask = [1, 1, 1, 1, 0];
    // Predictions 0, 1, 0, 1 against 0, 1, 1, 1; margins −2, 1, −0.5, 3.
    const m = classificationMetrics(logits, 2, target, mask);
    expect(m.accuracy).toBe(0.75);
    expect(m.balanced_accuracy).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(m.f1_macro).toBeCloseTo((2 / 3 + 0.8) / 2, 12);
    expect(m.roc_auc).toBe(1);
    expect(taskMetrics('classification', logits, target, mask, 1)).toEqual(m);
  });

  it('averages one-vs-rest AUCs over classes that have both positives and negatives (multiclass)', () => {
    // 3 classes; probabilities follow the logits' order within each row.
    const logits = [3, 1, 0, 0, 3, 1, 1, 0, 3, 2, 2.5, 0];
    const target = [0, 1, 2, 0];
    const m = classificationMetrics(logits, 3, target, [1, 1, 1, 1]);
    const probs = [0, 1, 2, 3].map((r) => {
      const e = logits.slice(r * 3, r * 3 + 3).map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
    const expected = [0, 1, 2].map((c) =>
      pairwiseAuc(
        probs.map((p) => p[c]),
        target.map((y) => (y === c ? 1 : 0)),
      ),
    );
    expect(m.roc_auc).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / 3, 12);
    expect(m.accuracy).toBe(0.75);
  });

  it('leaves out AUC when the known rows hold one class, and everything when none is known', () => {
    expect(classificationMetrics([1, 0, 2, 0], 2, [0, 0], [1, 1])).toEqual({ accuracy: 1, balanced_accuracy: 1, f1_macro: 1 });
    expect(classificationMetrics([1, 0], 2, [0], [0])).toEqual({});
  });
});

describe('curve metrics', () => {
  it('measures known points only and averages the per-row cosine similarity', () => {
    // Row 1: pred (1, 0, 1) vs (1, 0, 1): cosine 1. Row 2: two known points (1, 0) vs (0, 1) (third padded): cosine 0.
    // Row 3: no curve.
    const pred = [1, 0, 1, 1, 0, 5, 9, 9, 9];
    const target = [1, 0, 1, 0, 1, 0, 0, 0, 0];
    const mask = [1, 1, 1, 1, 1, 0, 0, 0, 0];
    const m = curveMetrics(pred, target, mask, 3);
    expect(m.mae).toBeCloseTo(2 / 5, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(2 / 5), 12);
    expect(m.cosine).toBeCloseTo(0.5, 12);
    expect(taskMetrics('sequence', pred, target, mask, 3)).toEqual(m);
  });

  it('gives cosine 0 (not NaN) for an all-zero prediction', () => {
    expect(curveMetrics([0, 0], [1, 2], [1, 1], 2).cosine).toBe(0);
  });
});

describe('overall summary and monitor directions', () => {
  it('averages the unitless metrics over the tasks that report them', () => {
    const overall = overallMetrics({
      gap: { mae: 0.4, rmse: 0.5, r2: 0.8 },
      bulk: { mae: 12, rmse: 15, r2: 0.6 },
      metal: { accuracy: 0.9, f1_macro: 0.85 },
    });
    expect(overall).toEqual({ r2: expect.closeTo(0.7, 12), accuracy: 0.9, f1_macro: 0.85 });
  });

  it('knows which way each log key improves', () => {
    expect(higherIsBetter('val_gap_r2')).toBe(true);
    expect(higherIsBetter('val_metal_roc_auc')).toBe(true);
    expect(higherIsBetter('val_dos_cosine')).toBe(true);
    expect(higherIsBetter('overall_f1_macro')).toBe(true);
    expect(higherIsBetter('val_gap_mae')).toBe(false);
    expect(higherIsBetter('val_loss')).toBe(false);
    expect(monitorMode('val_metal_accuracy')).toBe('max');
    expect(monitorMode('train_gap_raw_loss')).toBe('min');
  });
});
