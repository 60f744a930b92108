/** Benchmark: formulas featurized per second by the default (magpie) featurizer, on real formulas from the shared data sets. */
import { DEFAULT_FEATURIZER, getFeaturizer } from '../../src-main/engine/data/featurize';
import { dataFormulas } from '../../tests/unit/engine/data/formula/data-formulas';

export interface FeaturizeBenchResult {
  /** Cold figure: n all-distinct formula strings, none seen before. */
  formulas_per_s: number;
  n: number;
  seconds: number;
  /** Warm figure: the real formulas cycled to n (repeated strings). */
  warm_formulas_per_s: number;
  warm_seconds: number;
  /** Features per formula. */
  d: number;
  /** Building the featurizer: loading the table and imputing. */
  setup_seconds: number;
}

/**
 * Featurizes n (default 100k) formulas with `magpie` into one preallocated n × d Float32Array, after a short
 * JIT warm-up on other strings. The cold set starts with every distinct real formula, then adds variants
 * whose first amount is scaled by 1 + k·1e-4 (Fe2O3 → Fe2.0002O3) until n distinct strings exist.
 */
export async function benchFeaturize(opts: { n?: number } = {}): Promise<FeaturizeBenchResult> {
  const n = opts.n ?? 100_000;
  const real = await dataFormulas();

  const setupStart = performance.now();
  const featurizer = getFeaturizer(DEFAULT_FEATURIZER);
  const setup_seconds = (performance.now() - setupStart) / 1000;
  const d = featurizer.featureNames.length;
  // Touched up front so that the timed passes measure featurization, not the first-touch page faults of 128 MB.
  const out = new Float32Array(n * d).fill(0);

  const cold = distinctFormulas(real, n);
  const warm = Array.from({ length: n }, (_, i) => real[i % real.length]);
  featurizer.featurizeInto(
    Array.from({ length: Math.min(n, 5000) }, (_, i) => variant(real[i % real.length], 1_000_000 + i)),
    out,
  );

  const seconds = timeIt(() => assertAllFeaturized(featurizer.featurizeInto(cold, out).length));
  const warm_seconds = timeIt(() => assertAllFeaturized(featurizer.featurizeInto(warm, out).length));
  return { formulas_per_s: n / seconds, n, seconds, warm_formulas_per_s: n / warm_seconds, warm_seconds, d, setup_seconds };
}

function timeIt(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

function assertAllFeaturized(failures: number): void {
  if (failures > 0) throw new Error(`${failures} benchmark formulas failed to featurize`);
}

/** n distinct strings: the real formulas, then their variants k = 1, 2, … */
function distinctFormulas(real: readonly string[], n: number): string[] {
  const seen = new Set<string>();
  for (let k = 0; seen.size < n; k++) {
    for (const f of real) {
      seen.add(k === 0 ? f : variant(f, k));
      if (seen.size === n) break;
    }
  }
  return [...seen];
}

/** The formula with its first amount scaled by 1 + k·1e-4: a new string for (practically) the same material. */
function variant(formula: string, k: number): string {
  return formula.replace(
    /([A-Z][a-z]?)(\d+(?:\.\d+)?)?/,
    (_, symbol: string, amount?: string) => symbol + Number(((amount ? Number(amount) : 1) * (1 + k * 1e-4)).toPrecision(10)),
  );
}
