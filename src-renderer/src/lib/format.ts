/** Numbers, durations and metric names as people read them. */
import { SIGNIFICANT_DIGITS } from '../../../src-main/api/contract';

/** 4 significant digits, thousands separators for large values, '—' for missing. */
export function num(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) return value.toExponential(2);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  return Number(value.toPrecision(digits)).toString();
}

/**
 * A task's value as every table, tooltip and caption shows it: `decimals` decimals (`shownDecimals` of the task's test
 * MAE), or 4 significant digits when the error is unknown (null); the digits `crucible predict` writes to CSV.
 */
export function shown(value: number | null | undefined, decimals: number | null = null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (decimals === null) return num(value, SIGNIFICANT_DIGITS);
  const text = value.toFixed(decimals);
  // -0.001 to two decimals is "0.00", not "-0.00".
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A label with its unit: `band_gap (eV)`, or the label alone when the unit is unknown. */
export function withUnit(label: string, unit: string | null | undefined): string {
  return unit ? `${label} (${unit})` : label;
}

/** 75 → "1 min 15 s", 3700 → "1 h 1 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const METRIC_LABELS: Record<string, string> = {
  mae: 'MAE',
  rmse: 'RMSE',
  r2: 'R²',
  accuracy: 'Accuracy',
  f1_macro: 'Macro F1',
  roc_auc: 'ROC AUC',
  cosine: 'Cosine similarity',
};

export function metricLabel(key: string): string {
  return METRIC_LABELS[key] ?? key;
}

/** Whether a larger value of the metric is better (for marking the better run). */
export function higherIsBetter(metric: string): boolean {
  return ['r2', 'accuracy', 'f1_macro', 'roc_auc', 'cosine'].includes(metric);
}

/** The metric shown first for a task type. */
export function headlineMetric(type: string): string {
  return type === 'classification' ? 'accuracy' : 'mae';
}

export function dateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.toLocaleDateString('en-CA')} ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`;
}
