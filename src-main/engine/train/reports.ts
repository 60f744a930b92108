/** The run's final reports: metrics.json (per task, val and test) and the test predictions table. */
import type { ScalingParams } from '../data/dataset/scaling';
import { FORMULA_CANONICAL, formulaKeyOrNull } from '../data/formula/canonical';
import { SPLIT_TRAIN, type TaskData, type TrainingSet } from '../data/dataset/types';
import type { DomainVerdicts } from '../run-folder/domain';
import { listCell, toCsv, type Cell } from '../util/csv-writer';
import { DOMAIN_COLUMNS } from '../vocabulary';
import { toUserUnits, type SplitEvaluation } from './evaluate';
import { taskMetrics, type MetricValues } from './metrics';

export interface MetricsReport {
  /**
   * Per task, val and test metrics in the user's units; for regression and curves also `baseline_test`:
   * the test metrics of always predicting the training mean (per grid point for curves), the bar any
   * useful model must clear.
   */
  tasks: Record<string, { type: string; val: MetricValues; test: MetricValues; baseline_test?: MetricValues; interval?: IntervalReport }>;
  overall: { val: MetricValues; test: MetricValues };
  /** The epoch the shared encoder comes from (from 1). */
  best_epoch: number;
  /** With per-task checkpoints: each task's own best epoch (from 1). */
  best_epochs?: Record<string, number>;
  epochs_run: number;
  stopped_early: string | null;
  /** Fine-tuning only: the source model's tasks on the source's test split, before and after. */
  forgetting?: ForgettingReport;
  /** Ensembles only: each member's seed, epochs and own test metrics. */
  ensemble?: { size: number; members: { seed: number; best_epoch: number; epochs_run: number; test: Record<string, MetricValues> }[] };
}

/** A prediction interval's calibration (on val) and its score on the test rows (studies/ensemble/conformal.ts). */
export interface IntervalReport {
  /** The coverage asked for. */
  coverage: number;
  /** The conformal score quantile; null when too few calibration rows (unbounded intervals). */
  q: number | null;
  calibration_rows: number;
  /** The fraction of labelled test rows inside their interval, and the intervals' mean width (task units). */
  test_coverage: number;
  mean_width: number;
  test_rows: number;
}

export type ForgettingReport =
  | {
      tasks: Record<string, Record<string, { before: number; after: number; change: number }>>;
      /** Old-task metrics that moved past the tolerance, a fully trained encoder, new tasks no better than their mean. */
      warnings?: string[];
    }
  | { note: string };

export function metricsReport(
  set: TrainingSet,
  tasks: readonly string[],
  val: SplitEvaluation,
  test: SplitEvaluation,
  run: Pick<MetricsReport, 'best_epoch' | 'best_epochs' | 'epochs_run' | 'stopped_early'>,
): MetricsReport {
  const out: MetricsReport['tasks'] = {};
  for (const task of set.tasks) {
    if (!tasks.includes(task.name)) continue;
    out[task.name] = { type: task.kind, val: val.metrics[task.name] ?? {}, test: test.metrics[task.name] ?? {} };
    if (task.kind !== 'classification') out[task.name].baseline_test = meanBaseline(set, task, test.outputs.rows);
  }
  return { tasks: out, overall: { val: val.overall, test: test.overall }, ...run };
}

/** Metrics of predicting, for every row in `rows`, the mean training target at each output position. */
export function meanBaseline(set: TrainingSet, task: TaskData, rows: Int32Array): MetricValues {
  const w = task.width;
  const sum = new Float64Array(w);
  const count = new Float64Array(w);
  for (let r = 0; r < set.n; r++) {
    if (set.split[r] !== SPLIT_TRAIN) continue;
    for (let k = 0; k < w; k++) {
      if (!task.mask[r * w + k]) continue;
      sum[k] += task.targets[r * w + k];
      count[k]++;
    }
  }
  const pred = new Float32Array(rows.length * w);
  const truth = new Float32Array(rows.length * w);
  const mask = new Float32Array(rows.length * w);
  rows.forEach((row, i) => {
    for (let k = 0; k < w; k++) {
      pred[i * w + k] = count[k] > 0 ? sum[k] / count[k] : 0;
      truth[i * w + k] = task.targets[row * w + k];
      mask[i * w + k] = task.mask[row * w + k];
    }
  });
  return taskMetrics(task.kind, pred, truth, mask, w);
}

/** A float32 value with the digits it actually carries. */
const float32 = (v: number) => Number(v.toPrecision(7));

/**
 * The test rows: id and formula as the data gave them and the canonical formula (empty where the text is no
 * formula), then per task the prediction and the truth in the user's units (classification: class labels;
 * curves: JSON arrays over the row's own points).
 *
 * `extra`: per single-output task, more columns after its truth, `<task>_<suffix>`, one value per row (an
 * ensemble's std and interval bounds). `domain`: per row, each task's applicability-domain flag (after the task's
 * columns) and one note (last), for the tasks in the set's order.
 */
export function predictionsCsv(
  set: TrainingSet,
  scaling: ScalingParams,
  evaluation: SplitEvaluation,
  tasks: readonly string[],
  extra: ReadonlyMap<string, Record<string, Float32Array>> = new Map(),
  domain?: DomainVerdicts,
): string {
  const { rows, outputs, masks } = evaluation.outputs;
  const used = set.tasks.filter((t) => tasks.includes(t.name));
  const extraOf = (task: string) => Object.entries(extra.get(task) ?? {});
  // Classification also gets one probability column per class (`<task>_p_<class>`): ROC curves need scores.
  const header = [
    'id',
    'formula',
    FORMULA_CANONICAL,
    ...used.flatMap((t) => [
      t.name,
      `${t.name}_true`,
      ...extraOf(t.name).map(([suffix]) => `${t.name}_${suffix}`),
      ...(t.classes ?? []).map((c) => `${t.name}_p_${c}`),
      ...(domain ? [`${t.name}_${DOMAIN_COLUMNS.flagSuffix}`] : []),
    ]),
    ...(domain ? [DOMAIN_COLUMNS.note] : []),
  ];
  const columns = used.map((task, t) => {
    const cells = taskCells(task);
    // As DuckDB writes booleans, so test.csv and `crucible predict` read alike.
    return (i: number): Cell[] => (domain ? [...cells(i), String(domain.inDomain[t][i] === 1)] : cells(i));
  });
  function taskCells(task: TaskData): (i: number) => Cell[] {
    const width = task.width;
    const pred = toUserUnits(scaling, task.name, outputs.get(task.name)!);
    // The truth comes from the unscaled set, so it prints exactly as imported (no scaling round trip).
    const truth = new Float32Array(rows.length * width);
    rows.forEach((row, i) => truth.set(task.targets.subarray(row * width, (row + 1) * width), i * width));
    const mask = masks.get(task.name)!;
    return (i: number): Cell[] => {
      if (task.kind === 'classification') {
        const classes = task.classes!;
        const c = classes.length;
        const logits = pred.subarray(i * c, (i + 1) * c);
        const max = Math.max(...logits);
        const exp = Array.from(logits, (v) => Math.exp(v - max));
        const z = exp.reduce((a, b) => a + b, 0);
        const best = exp.indexOf(Math.max(...exp));
        return [classes[best], mask[i] > 0 ? classes[truth[i]] : null, ...exp.map((e) => float32(e / z))];
      }
      if (task.kind === 'sequence') {
        const len = task.lengths ? task.lengths[rows[i]] : width;
        const known = mask.subarray(i * width, i * width + len).some((m) => m > 0);
        return [listCell(pred.subarray(i * width, i * width + len)), known ? listCell(truth.subarray(i * width, i * width + len)) : null];
      }
      if (width === 1) return [float32(pred[i]), mask[i] > 0 ? float32(truth[i]) : null, ...extraOf(task.name).map(([, values]) => float32(values[i]))];
      return [listCell(pred.subarray(i * width, (i + 1) * width)), mask[i * width] > 0 ? listCell(truth.subarray(i * width, (i + 1) * width)) : null];
    };
  }
  const body = Array.from(rows, (row, i) => [
    set.ids[row],
    set.formulas[row],
    formulaKeyOrNull(set.formulas[row]),
    ...columns.flatMap((col) => col(i)),
    ...(domain ? [domain.notes[i]] : []),
  ]);
  return toCsv(header, body);
}
