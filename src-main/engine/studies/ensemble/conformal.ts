/**
 * Split-conformal intervals from an ensemble's spread (normalised nonconformity, Papadopoulos et al. 2008;
 * Lei et al. 2018): on calibration rows the score of a row is |y − μ| / (σ + ε); with q the ⌈(n + 1)·c⌉-th
 * smallest score, μ ± q·(σ + ε) covers a new exchangeable row with probability at least c. The spread only
 * shapes the interval (wide where members disagree); the coverage comes from the calibration, not from trusting
 * the spread. ε keeps rows where members happen to agree from getting a zero-width interval; it is a tenth of the
 * median spread, so it matters only for such rows.
 */
import type { Calibration } from '../../run-folder/index';

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Calibrates on rows with a label: `truth`, ensemble mean `mean` and spread `std`, all in the task's units. */
export function calibrate(truth: readonly number[], mean: readonly number[], std: readonly number[], coverage: number): Calibration {
  const rows = truth.length;
  const epsilon = 0.1 * median(std) || 1e-6;
  const scores = truth.map((y, i) => Math.abs(y - mean[i]) / (std[i] + epsilon)).sort((a, b) => a - b);
  const rank = Math.ceil((rows + 1) * coverage);
  return { coverage, q: rank <= rows ? scores[rank - 1] : null, epsilon, rows };
}

/** The interval's half width at a row of spread `std`. */
export function halfWidth(cal: Calibration, std: number): number {
  return cal.q === null ? Infinity : cal.q * (std + cal.epsilon);
}

export interface IntervalScore {
  /** Fraction of the labelled rows whose truth lies inside their interval. */
  coverage: number;
  /** Mean interval width, in the task's units. */
  meanWidth: number;
  rows: number;
}

export function scoreIntervals(cal: Calibration, truth: readonly number[], mean: readonly number[], std: readonly number[]): IntervalScore {
  let inside = 0;
  let width = 0;
  truth.forEach((y, i) => {
    const h = halfWidth(cal, std[i]);
    if (Math.abs(y - mean[i]) <= h) inside++;
    width += 2 * h;
  });
  const rows = truth.length;
  return { coverage: rows ? inside / rows : NaN, meanWidth: rows ? width / rows : NaN, rows };
}
