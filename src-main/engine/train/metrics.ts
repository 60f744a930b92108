/**
 * Evaluation metrics in plain JavaScript over row-major arrays and masks (no tensors): regression
 * MAE/RMSE/R², classification accuracy/balanced accuracy/macro-F1/ROC-AUC, curve MAE/RMSE/cosine, an overall summary,
 * and which way each metric improves (for monitors). Only known entries (mask > 0) count; a metric
 * with nothing to measure is left out of the result rather than set to NaN.
 */
import type { TaskKind } from '../data/dataset/types';

export type MetricName = 'mae' | 'rmse' | 'r2' | 'accuracy' | 'balanced_accuracy' | 'f1_macro' | 'roc_auc' | 'cosine';

/** Some metrics of one task (or the overall summary), by name. */
export type MetricValues = Partial<Record<MetricName, number>>;

interface MetricInfo {
  label: string;
  higherIsBetter: boolean;
  /** Comparable across tasks (no units), so it enters the overall summary. */
  unitless: boolean;
}

export const METRICS: Record<MetricName, MetricInfo> = {
  mae: { label: 'MAE', higherIsBetter: false, unitless: false },
  rmse: { label: 'RMSE', higherIsBetter: false, unitless: false },
  r2: { label: 'R²', higherIsBetter: true, unitless: true },
  accuracy: { label: 'Accuracy', higherIsBetter: true, unitless: true },
  balanced_accuracy: { label: 'Balanced accuracy', higherIsBetter: true, unitless: true },
  f1_macro: { label: 'Macro F1', higherIsBetter: true, unitless: true },
  roc_auc: { label: 'ROC AUC', higherIsBetter: true, unitless: true },
  cosine: { label: 'Cosine similarity', higherIsBetter: true, unitless: true },
};

type Values = ArrayLike<number>;

/** Log key of the tasks' mean raw validation loss (scaled units), the default plateau monitor. */
export const VAL_TASK_LOSS = 'val_task_loss';

/**
 * Whether a larger value of a log key is better: true for keys ending in a higher-is-better metric
 * name (`val_gap_r2`, `overall_accuracy`), false for losses, errors and anything unknown.
 */
export function higherIsBetter(logKey: string): boolean {
  for (const [name, info] of Object.entries(METRICS)) {
    if (logKey === name || logKey.endsWith(`_${name}`)) return info.higherIsBetter;
  }
  return false;
}

/** The monitor mode a log key implies ('max' for R², accuracy, …; 'min' for losses and errors). */
export function monitorMode(logKey: string): 'min' | 'max' {
  return higherIsBetter(logKey) ? 'max' : 'min';
}

/** MAE and RMSE over all known entries (null when none is known). */
function errors(pred: Values, target: Values, mask: Values): { mae: number; rmse: number } | null {
  let n = 0;
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!(mask[i] > 0)) continue;
    const d = pred[i] - target[i];
    abs += Math.abs(d);
    sq += d * d;
    n++;
  }
  return n ? { mae: abs / n, rmse: Math.sqrt(sq / n) } : null;
}

/**
 * R² of one column: 1 − SS_res / SS_tot around the mean of its known targets. A constant column gives
 * 1 for a perfect prediction and 0 otherwise (scikit-learn's `force_finite`); no known target: null.
 */
function r2Column(pred: Values, target: Values, mask: Values, width: number, col: number): number | null {
  let n = 0;
  let mean = 0;
  for (let i = col; i < mask.length; i += width) {
    if (mask[i] > 0) {
      mean += target[i];
      n++;
    }
  }
  if (n === 0) return null;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = col; i < mask.length; i += width) {
    if (!(mask[i] > 0)) continue;
    ssRes += (target[i] - pred[i]) ** 2;
    ssTot += (target[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * Regression over n × width arrays: MAE and RMSE pooled over all known entries, R² per column then
 * averaged over the columns with known targets (torchmetrics' `uniform_average`).
 */
export function regressionMetrics(pred: Values, target: Values, mask: Values, width = 1): MetricValues {
  const e = errors(pred, target, mask);
  if (!e) return {};
  const r2s: number[] = [];
  for (let c = 0; c < width; c++) {
    const r = r2Column(pred, target, mask, width, c);
    if (r !== null) r2s.push(r);
  }
  return { ...e, r2: mean(r2s) };
}

/**
 * Area under the ROC curve of scores for binary labels (1 = positive), by the Mann-Whitney rank sum
 * with tied scores given their average rank (so a tie counts one half). Null without both classes.
 *
 * @example rocAuc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1]) // 0.875
 */
export function rocAuc(scores: Values, labels: Values): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // Ranks start..end−1 (0-based) share the mean 1-based rank.
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Macro-averaged F1 over the classes that occur among the true or predicted labels (scikit-learn's
 * default label set); F1 of a class = 2·TP / (2·TP + FP + FN).
 */
export function macroF1(predicted: Values, actual: Values, numClasses: number): number | null {
  const tp = new Float64Array(numClasses);
  const fp = new Float64Array(numClasses);
  const fn = new Float64Array(numClasses);
  for (let i = 0; i < actual.length; i++) {
    if (predicted[i] === actual[i]) tp[actual[i]]++;
    else {
      fp[predicted[i]]++;
      fn[actual[i]]++;
    }
  }
  const f1s: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const denom = 2 * tp[c] + fp[c] + fn[c];
    if (denom > 0) f1s.push((2 * tp[c]) / denom);
  }
  return f1s.length ? mean(f1s) : null;
}

/**
 * Balanced accuracy (scikit-learn's `balanced_accuracy_score`): the mean recall over the classes that
 * occur among the true labels. Null without labels.
 */
export function balancedAccuracy(predicted: Values, actual: Values, numClasses: number): number | null {
  const hits = new Float64Array(numClasses);
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < actual.length; i++) {
    counts[actual[i]]++;
    if (predicted[i] === actual[i]) hits[actual[i]]++;
  }
  const recalls: number[] = [];
  for (let c = 0; c < numClasses; c++) if (counts[c] > 0) recalls.push(hits[c] / counts[c]);
  return recalls.length ? mean(recalls) : null;
}

/**
 * Classification from logits (n × numClasses, row-major), class indices `target` (n) and `mask` (n):
 * accuracy, balanced accuracy, macro-F1 and ROC-AUC from the softmax probabilities (binary: of class 1;
 * multiclass: the macro average of one-vs-rest AUCs over the classes that have both positives and
 * negatives, scikit-learn's `multi_class='ovr'`).
 */
export function classificationMetrics(logits: Values, numClasses: number, target: Values, mask: Values): MetricValues {
  const known: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] > 0) known.push(i);
  if (known.length === 0) return {};
  const actual = known.map((i) => target[i]);
  const predicted = known.map((i) => argmax(logits, i * numClasses, numClasses));
  const correct = predicted.reduce((a, p, k) => a + (p === actual[k] ? 1 : 0), 0);
  const out: MetricValues = {
    accuracy: correct / known.length,
    balanced_accuracy: balancedAccuracy(predicted, actual, numClasses)!,
    f1_macro: macroF1(predicted, actual, numClasses)!,
  };

  const probs = known.map((i) => softmax(logits, i * numClasses, numClasses));
  let auc: number | null;
  if (numClasses === 2) {
    auc = rocAuc(
      probs.map((p) => p[1]),
      actual,
    );
  } else {
    const perClass: number[] = [];
    for (let c = 0; c < numClasses; c++) {
      const a = rocAuc(
        probs.map((p) => p[c]),
        actual.map((y) => (y === c ? 1 : 0)),
      );
      if (a !== null) perClass.push(a);
    }
    auc = perClass.length ? mean(perClass) : null;
  }
  if (auc !== null) out.roc_auc = auc;
  return out;
}

/**
 * Curves as n × width arrays (padding masked out): MAE and RMSE over known points, and the mean over
 * rows with a known point of the cosine similarity between predicted and true values on those points
 * (x·y / max(‖x‖‖y‖, 1e-8), PyTorch's `cosine_similarity`).
 */
export function curveMetrics(pred: Values, target: Values, mask: Values, width: number): MetricValues {
  const e = errors(pred, target, mask);
  if (!e) return {};
  const cosines: number[] = [];
  for (let r = 0; r * width < mask.length; r++) {
    let dot = 0;
    let pp = 0;
    let tt = 0;
    let any = false;
    for (let i = r * width; i < (r + 1) * width; i++) {
      if (!(mask[i] > 0)) continue;
      any = true;
      dot += pred[i] * target[i];
      pp += pred[i] * pred[i];
      tt += target[i] * target[i];
    }
    if (any) cosines.push(dot / Math.max(Math.sqrt(pp) * Math.sqrt(tt), 1e-8));
  }
  return { ...e, cosine: mean(cosines) };
}

/**
 * The metrics of one task's predictions: `pred` is n × width (classification: n × numClasses logits),
 * `target` and `mask` are n × width as in `TaskData` (classification width 1).
 */
export function taskMetrics(kind: TaskKind, pred: Values, target: Values, mask: Values, width: number): MetricValues {
  if (kind === 'classification') return classificationMetrics(pred, pred.length / mask.length, target, mask);
  if (kind === 'sequence') return curveMetrics(pred, target, mask, width);
  return regressionMetrics(pred, target, mask, width);
}

/** The overall summary: each unitless metric averaged over the tasks that report it (e.g. mean R², mean accuracy). */
export function overallMetrics(perTask: Record<string, MetricValues>): MetricValues {
  const out: MetricValues = {};
  for (const name of Object.keys(METRICS) as MetricName[]) {
    if (!METRICS[name].unitless) continue;
    const values = Object.values(perTask)
      .map((m) => m[name])
      .filter((v): v is number => v !== undefined);
    if (values.length) out[name] = mean(values);
  }
  return out;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function argmax(values: Values, offset: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}

function softmax(values: Values, offset: number, n: number): number[] {
  let max = -Infinity;
  for (let c = 0; c < n; c++) max = Math.max(max, values[offset + c]);
  const e = Array.from({ length: n }, (_, c) => Math.exp(values[offset + c] - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
