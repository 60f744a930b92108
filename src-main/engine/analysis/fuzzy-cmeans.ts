/**
 * Soft clustering of a few long vectors (one per task): k-means++ centres (Arthur & Vassilvitskii 2007)
 * with restarts, then fuzzy c-means memberships (Bezdek, "Pattern Recognition with Fuzzy Objective
 * Function Algorithms", 1981) — STG-MTL's `TASK_BASED_FUZZY_FROM_KMEANS` (default) and
 * `TASK_BASED_FUZZY_ITERATIVE` clusterings.
 */
import { CrucibleError } from '../errors';
import { Rng } from '../util/random';

type Vector = ArrayLike<number>;

export interface FuzzyOptions {
  k: number;
  /** Fuzziness m > 1; STG-MTL uses 1.07 (nearly hard memberships). Larger m spreads membership. */
  m: number;
  /**
   * 'kmeans': memberships from the k-means centres (STG-MTL's default); 'fcm': fuzzy c-means iterations
   * (centres ← membership^m-weighted means, memberships from centres) starting from those centres.
   */
  method: 'kmeans' | 'fcm';
  seed: number;
  /** k-means restarts; the lowest within-cluster sum of squares wins. */
  restarts: number;
  maxIterations: number;
}

export const FUZZY_DEFAULTS: Omit<FuzzyOptions, 'k'> = { m: 1.07, method: 'kmeans', seed: 0, restarts: 10, maxIterations: 300 };

export interface FuzzyClustering {
  /** memberships[point][cluster], each row summing to 1. Clusters are numbered by their first point. */
  memberships: number[][];
  /** The cluster each point belongs to most. */
  labels: number[];
  centres: Float64Array[];
}

function squaredDistance(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Weighted mean of `points` (weights need not sum to 1). */
function weightedMean(points: readonly Vector[], weights: readonly number[]): Float64Array {
  const out = new Float64Array(points[0].length);
  const total = weights.reduce((a, b) => a + b, 0);
  points.forEach((p, j) => {
    if (weights[j] === 0) return;
    for (let i = 0; i < out.length; i++) out[i] += (weights[j] * p[i]) / total;
  });
  return out;
}

/** k-means++ seeding then Lloyd iterations; an emptied cluster takes the point farthest from its centre. */
function kMeansOnce(points: readonly Vector[], k: number, rng: Rng, maxIterations: number): { centres: Float64Array[]; labels: number[]; inertia: number } {
  const centres: Float64Array[] = [Float64Array.from(points[rng.int(points.length)])];
  while (centres.length < k) {
    const d = points.map((p) => Math.min(...centres.map((c) => squaredDistance(p, c))));
    const total = d.reduce((a, b) => a + b, 0);
    // Every point sits on a centre (duplicate points): any point will do; Lloyd's step sorts it out.
    let pick = total > 0 ? -1 : rng.int(points.length);
    for (let r = rng.float() * total, j = 0; pick < 0 && j < d.length; j++) if ((r -= d[j]) < 0 || j === d.length - 1) pick = j;
    centres.push(Float64Array.from(points[pick]));
  }
  let labels = new Array<number>(points.length).fill(-1);
  for (let it = 0; it < maxIterations; it++) {
    const next = points.map((p) => {
      const d = centres.map((c) => squaredDistance(p, c));
      return d.indexOf(Math.min(...d));
    });
    for (let c = 0; c < k; c++) {
      if (next.includes(c)) continue;
      // The point farthest from its centre among clusters that can spare one.
      let far = -1;
      let farDistance = -1;
      points.forEach((p, j) => {
        const d = squaredDistance(p, centres[next[j]]);
        if (d > farDistance && next.filter((l) => l === next[j]).length > 1) [far, farDistance] = [j, d];
      });
      next[far] = c;
    }
    if (next.every((l, j) => l === labels[j])) break;
    labels = next;
    for (let c = 0; c < k; c++)
      centres[c] = weightedMean(
        points,
        labels.map((l) => (l === c ? 1 : 0)),
      );
  }
  const inertia = points.reduce((a, p, j) => a + squaredDistance(p, centres[labels[j]]), 0);
  return { centres, labels, inertia };
}

/**
 * Fuzzy memberships of every point in every cluster: uᵢₖ = 1 / Σⱼ (dᵢₖ / dᵢⱼ)^(2/(m−1)) with Euclidean
 * distances d; a point on a centre belongs to it alone.
 */
export function fuzzyMemberships(points: readonly Vector[], centres: readonly Vector[], m: number): number[][] {
  const p = 2 / (m - 1);
  return points.map((x) => {
    const d = centres.map((c) => Math.sqrt(squaredDistance(x, c)));
    const zero = d.findIndex((v) => v === 0);
    if (zero >= 0) return d.map((_, k) => (k === zero ? 1 : 0));
    // In logs: with m = 1.07 the exponent is ~29 and distance ratios to that power overflow.
    const logs = d.map((v) => -p * Math.log(v));
    const top = Math.max(...logs);
    const e = logs.map((l) => Math.exp(l - top));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
}

/**
 * Clusters `points` into k soft clusters (see {@link FuzzyOptions.method}).
 *
 * @example fuzzyCluster(taskFeatures(map), { ...FUZZY_DEFAULTS, k: 2 }).memberships // tasks × 2
 */
export function fuzzyCluster(points: readonly Vector[], options: FuzzyOptions): FuzzyClustering {
  const { k, m } = options;
  if (!Number.isInteger(k) || k < 1 || k > points.length) {
    throw new CrucibleError('bad-input', `k is ${k}, but there are ${points.length} tasks to group.`, {
      hint: `Use a whole number from 1 to ${points.length}.`,
    });
  }
  if (!(m > 1))
    throw new CrucibleError('bad-input', `The fuzziness m is ${m}; it must be above 1.`, { hint: 'STG-MTL uses 1.07; 2 is the common fuzzy c-means default.' });
  const rng = new Rng(options.seed);
  let best = kMeansOnce(points, k, rng, options.maxIterations);
  for (let r = 1; r < options.restarts; r++) {
    const run = kMeansOnce(points, k, rng, options.maxIterations);
    if (run.inertia < best.inertia) best = run;
  }
  let centres = best.centres;
  let memberships = fuzzyMemberships(points, centres, m);
  if (options.method === 'fcm') {
    for (let it = 0; it < options.maxIterations; it++) {
      centres = centres.map((_, c) =>
        weightedMean(
          points,
          memberships.map((u) => u[c] ** m),
        ),
      );
      const next = fuzzyMemberships(points, centres, m);
      const change = Math.max(...next.flatMap((u, i) => u.map((v, c) => Math.abs(v - memberships[i][c]))));
      memberships = next;
      if (change < 1e-9) break;
    }
  }
  // Number clusters by the first point that belongs to each most, so results read in task order.
  const labelsOf = (u: number[][]) => u.map((row) => row.indexOf(Math.max(...row)));
  const order: number[] = [];
  for (const l of labelsOf(memberships)) if (!order.includes(l)) order.push(l);
  for (let c = 0; c < k; c++) if (!order.includes(c)) order.push(c);
  memberships = memberships.map((row) => order.map((c) => row[c]));
  return { memberships, labels: labelsOf(memberships), centres: order.map((c) => centres[c]) };
}
