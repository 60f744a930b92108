/**
 * The report's plots as ECharts options over a run's test predictions: parity (with each row's interval when an
 * ensemble gave one), confusion matrix and ROC curves, a few measured-against-predicted curves, and the loss per
 * epoch. The Evaluate page draws the same views in the app (src-renderer/src/lib/eval/evaluation.ts), which the
 * engine cannot import.
 */
import type { EpochRecord, RunPredictions } from '../run-folder/index';
import { curveError, paddedRange, rocCurve, type Confusion } from '../run-folder/prediction-stats';
import { FONT, type Plot } from './svg-chart';

export type TaskPredictions = RunPredictions['tasks'][number];

/** Colour-blind safe (Okabe–Ito), as the app's charts. */
const BLUE = '#0072B2';
const SKY = '#56B4E9';
const VERMILLION = '#D55E00';
const PALETTE = [VERMILLION, BLUE, '#009E73', '#E69F00', '#CC79A7', SKY, '#F0E442', '#000000'];
const MEASURED = '#222222';
const GUIDE = '#888888';

/** At most this many points in a parity plot: beyond it the SVG grows, not what it shows. */
export const MAX_PARITY_POINTS = 4000;
/** Curves drawn per sequence task, from the best to the worst predicted. */
export const CURVES_SHOWN = 6;
/** Classes beyond this many get no ROC curve of their own. */
const MAX_ROC_CLASSES = 8;

const axisText = { fontFamily: FONT, color: '#444' };
const label = (v: number) => String(Number(v.toPrecision(3)));

/** Every `step`-th of `n` indices, so that at most `max` remain, in order. */
export function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.floor((k * n) / max));
}

/** [measured, predicted, row] for every row (and every output of a vector task) where both are numbers. */
export function parityPoints(task: TaskPredictions): [number, number, number][] {
  const out: [number, number, number][] = [];
  task.measured.forEach((m, i) => {
    const p = task.predicted[i];
    if (typeof m === 'number' && typeof p === 'number') out.push([m, p, i]);
    else if (Array.isArray(m) && Array.isArray(p)) m.forEach((v, k) => typeof v === 'number' && typeof p[k] === 'number' && out.push([v, p[k]!, i]));
  });
  return out;
}

/** Predicted against measured; each row's interval as a vertical bar (cut at the axes, which the points set) when the task has intervals. */
export function parityPlot(task: TaskPredictions, column: string): Plot & { points: number } {
  const all = parityPoints(task);
  const points = spread(all.length, MAX_PARITY_POINTS).map((i) => all[i]);
  const iv = task.interval;
  const bars = iv ? points.flatMap(([m, , r]) => (iv.lo[r] !== null && iv.hi[r] !== null ? [[m, iv.lo[r]!, iv.hi[r]!]] : [])) : [];
  const [lo, hi] = paddedRange(points.flatMap(([m, p]) => [m, p]));
  const axis = (name: string, gap: number) => ({
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: gap,
    nameTextStyle: axisText,
    min: lo,
    max: hi,
    axisLine: { onZero: false },
    axisLabel: { ...axisText, showMinLabel: false, showMaxLabel: false, formatter: label },
  });
  return {
    width: 460,
    height: 400,
    points: all.length,
    label: `Parity plot of ${task.name}: predicted against measured ${column} for ${all.length} test rows.`,
    option: {
      grid: { left: 70, right: 20, top: 16, bottom: 56 },
      xAxis: axis(`measured ${column}`, 32),
      yAxis: axis(`predicted ${column}`, 50),
      series: [
        ...(bars.length
          ? [
              {
                type: 'custom',
                silent: true,
                clip: true,
                data: bars,
                encode: { x: 0, y: [1, 2] },
                renderItem: (_: unknown, api: { value: (dim: number) => number; coord: (point: number[]) => number[] }) => {
                  const [x, y1] = api.coord([api.value(0), api.value(1)]);
                  const [, y2] = api.coord([api.value(0), api.value(2)]);
                  return { type: 'line', shape: { x1: x, y1, x2: x, y2 }, style: { stroke: SKY, lineWidth: 1, opacity: 0.35 } };
                },
              },
            ]
          : []),
        {
          type: 'scatter',
          symbolSize: 4,
          itemStyle: { color: BLUE, opacity: 0.55 },
          data: points.map(([m, p]) => [m, p]),
          markLine: {
            silent: true,
            symbol: 'none',
            animation: false,
            lineStyle: { color: GUIDE, type: 'dashed' },
            label: { show: false },
            data: [[{ coord: [lo, lo] }, { coord: [hi, hi] }]],
          },
        },
      ],
    },
  };
}

export function confusionPlot(task: TaskPredictions, m: Confusion): Plot {
  const max = Math.max(1, ...m.counts.flat());
  const size = Math.min(640, 240 + 60 * m.classes.length);
  const axis = (name: string, gap: number, inverse: boolean) => ({
    type: 'category',
    data: m.classes,
    name,
    nameLocation: 'middle',
    nameGap: gap,
    nameTextStyle: axisText,
    inverse,
    axisLabel: { ...axisText, interval: 0 },
    splitArea: { show: false },
  });
  return {
    width: size,
    height: size - 30,
    label: `Confusion matrix of ${task.name}: ${m.total} test rows by measured (rows) and predicted (columns) class.`,
    option: {
      grid: { left: 90, right: 16, top: 10, bottom: 56 },
      xAxis: axis('predicted', 32, false),
      yAxis: axis('measured', 70, true),
      visualMap: { min: 0, max, show: false, inRange: { color: ['#f3f6fb', '#0b5394'] } },
      series: [
        {
          type: 'heatmap',
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
          data: m.counts.flatMap((row, y) =>
            row.map((count, x) => ({ value: [x, y, count], label: { show: true, fontFamily: FONT, fontSize: 14, color: count > max / 2 ? '#fff' : '#111' } })),
          ),
        },
      ],
    },
  };
}

/** The ROC curve of the last class against the rest (two classes), or one per class; null without class probabilities. */
export function rocPlot(task: TaskPredictions): (Plot & { curves: { positive: string; auc: number }[] }) | null {
  const scores = task.scores;
  if (!scores) return null;
  const classes = Object.keys(scores);
  const positives = classes.length === 2 ? classes.slice(1) : classes.slice(0, MAX_ROC_CLASSES);
  const curves = positives.flatMap((positive) => {
    const roc = rocCurve(scores[positive], task.measured, positive);
    return roc ? [{ positive, ...roc }] : [];
  });
  if (curves.length === 0) return null;
  const axis = (name: string, gap: number) => ({
    type: 'value',
    min: 0,
    max: 1,
    name,
    nameLocation: 'middle',
    nameGap: gap,
    nameTextStyle: axisText,
    axisLabel: axisText,
  });
  return {
    width: 400,
    height: 370,
    curves: curves.map(({ positive, auc }) => ({ positive, auc })),
    label: `ROC curves of ${task.name}: ${curves.map((c) => `class ${c.positive}, AUC ${c.auc.toFixed(3)}`).join('; ')}.`,
    option: {
      grid: { left: 56, right: 16, top: 36, bottom: 52 },
      legend: { top: 4, textStyle: axisText },
      xAxis: axis('false positive rate', 30),
      yAxis: axis('true positive rate', 38),
      series: [
        ...curves.map((c, k) => ({
          type: 'line',
          name: `class ${c.positive} (AUC ${c.auc.toFixed(3)})`,
          showSymbol: false,
          data: c.points,
          lineStyle: { width: 2, color: PALETTE[k % PALETTE.length] },
          itemStyle: { color: PALETTE[k % PALETTE.length] },
        })),
        {
          type: 'line',
          showSymbol: false,
          silent: true,
          data: [
            [0, 0],
            [1, 1],
          ],
          lineStyle: { type: 'dashed', color: GUIDE, width: 1 },
        },
      ],
    },
  };
}

export interface ShownCurve {
  row: number;
  error: number;
  /** Its rank among the measured curves, 1 = best predicted. */
  rank: number;
  plot: Plot;
}

/**
 * A few test curves spread over the error ranking, best first: each its measured and predicted values over the
 * row's own x values (the point index when they are unknown).
 */
export function curvePlots(task: TaskPredictions, xName: string): { shown: ShownCurve[]; measured: number } {
  const ranked = task.predicted
    .map((p, row) => ({ row, error: curveError(p, task.measured[row]) }))
    .filter((r): r is { row: number; error: number } => r.error !== null)
    .sort((a, b) => a.error - b.error);
  const picks = ranked.length <= CURVES_SHOWN ? ranked.map((_, i) => i) : spread(ranked.length - 1, CURVES_SHOWN - 1).concat(ranked.length - 1);
  const shown = [...new Set(picks)].map((i) => {
    const { row, error } = ranked[i];
    const predicted = task.predicted[row] as (number | null)[];
    const measured = task.measured[row] as (number | null)[];
    const x = task.steps?.[row] ?? predicted.map((_, k) => k);
    const line = (values: (number | null)[], color: string, name: string, dashed = false) => ({
      type: 'line',
      name,
      showSymbol: false,
      connectNulls: false,
      data: values.map((v, k) => [x[k] ?? k, v]),
      lineStyle: { width: 2, color, type: dashed ? 'dashed' : 'solid' },
      itemStyle: { color },
    });
    return {
      row,
      error,
      rank: i + 1,
      plot: {
        width: 340,
        height: 220,
        label: `Curve of test row ${row + 1} for ${task.name}: measured and predicted against ${xName}, mean absolute error ${error}.`,
        option: {
          grid: { left: 52, right: 12, top: 12, bottom: 40 },
          xAxis: {
            type: 'value',
            scale: true,
            name: xName,
            nameLocation: 'middle',
            nameGap: 24,
            nameTextStyle: axisText,
            axisLabel: { ...axisText, formatter: label },
          },
          yAxis: { type: 'value', scale: true, axisLabel: { ...axisText, formatter: label } },
          series: [line(measured, MEASURED, 'measured'), line(predicted, BLUE, 'predicted', true)],
        },
      },
    };
  });
  return { shown, measured: ranked.length };
}

/** The total loss per epoch on the training and validation splits, the best epoch marked. */
export function historyPlot(history: readonly EpochRecord[], bestEpoch: number | null): Plot | null {
  const series = (
    [
      ['training', (r: EpochRecord) => r.loss.train, BLUE],
      ['validation', (r: EpochRecord) => r.loss.val, VERMILLION],
    ] as const
  ).flatMap(([name, value, color]) => {
    const data = history.flatMap((r) => (value(r) === undefined ? [] : [[r.epoch, value(r)!]]));
    return data.length ? [{ type: 'line', name, showSymbol: history.length < 30, data, lineStyle: { width: 2, color }, itemStyle: { color } }] : [];
  });
  if (series.length === 0) return null;
  if (bestEpoch !== null) {
    Object.assign(series[0], {
      markLine: {
        silent: true,
        symbol: 'none',
        animation: false,
        lineStyle: { color: GUIDE, type: 'dashed' },
        label: { formatter: 'best', fontFamily: FONT, color: '#444' },
        data: [{ xAxis: bestEpoch }],
      },
    });
  }
  return {
    width: 720,
    height: 260,
    label: `Total loss per epoch over ${history.length} epochs, training and validation.`,
    option: {
      grid: { left: 60, right: 24, top: 36, bottom: 44 },
      legend: { top: 4, textStyle: axisText },
      xAxis: {
        type: 'value',
        min: 1,
        max: Math.max(2, history.at(-1)?.epoch ?? 1),
        name: 'epoch',
        nameLocation: 'middle',
        nameGap: 26,
        nameTextStyle: axisText,
        axisLabel: axisText,
        minInterval: 1,
      },
      yAxis: { type: 'value', scale: true, name: 'loss', nameTextStyle: axisText, axisLabel: { ...axisText, formatter: label } },
      series,
    },
  };
}
