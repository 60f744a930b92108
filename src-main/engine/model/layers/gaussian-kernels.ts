/**
 * A bank of Gaussian kernels on the normalised step axis, k_i(u) = exp(−(u − c_i)²/(2σ_i²)), with
 * optionally learnable centres and widths (the basis of the seed's kernel-regression curve head).
 */
import type { Ops } from '../ops/ops';
import type { ParamStore } from '../params';
import type { StepsRange } from './steps-encoding';

export interface GaussianKernelOptions {
  /** Initial centres in normalised step units. */
  centres: Float32Array;
  initSigma: number;
  /** Widths never shrink below this: σ = minSigma + exp(s) with s learned. */
  minSigma: number;
  learnableCentres: boolean;
  learnableSigmas: boolean;
  group: string;
}

/**
 * `count` centres at evenly spaced quantiles (q = i/(count−1)) of the training steps, normalised to the
 * training range. `quantiles[j]` is the steps' quantile at j/(quantiles.length−1); between them it interpolates.
 * Without quantiles the centres spread evenly over [0, 1].
 */
export function centresFromQuantiles(quantiles: number[], range: StepsRange, count: number): Float32Array {
  const span = range.max - range.min || 1;
  return Float32Array.from({ length: count }, (_, i) => {
    const q = count === 1 ? 0.5 : i / (count - 1);
    if (quantiles.length < 2) return q;
    const pos = q * (quantiles.length - 1);
    const lo = Math.min(Math.floor(pos), quantiles.length - 2);
    const value = quantiles[lo] + (pos - lo) * (quantiles[lo + 1] - quantiles[lo]);
    return (value - range.min) / span;
  });
}

export class GaussianKernels {
  readonly count: number;
  readonly centresName?: string;
  readonly logSigmaName?: string;

  constructor(
    store: ParamStore,
    name: string,
    readonly options: GaussianKernelOptions,
  ) {
    if (!(options.initSigma > options.minSigma)) throw new Error(`initial kernel width ${options.initSigma} must exceed the minimum ${options.minSigma}`);
    this.count = options.centres.length;
    if (options.learnableCentres) {
      this.centresName = `${name}.centres`;
      store.create(this.centresName, [this.count], { values: options.centres }, options.group);
    }
    if (options.learnableSigmas) {
      this.logSigmaName = `${name}.log_sigma`;
      store.create(
        this.logSigmaName,
        [this.count],
        { values: new Float32Array(this.count).fill(Math.log(options.initSigma - options.minSigma)) },
        options.group,
      );
    }
  }

  /** Centres [K] (a parameter or a constant). */
  centres<T>(ops: Ops<T>): T {
    return this.centresName ? ops.param(this.centresName) : ops.constant(this.options.centres, [this.count]);
  }

  /** Widths σ [K] (learned, bounded below, or constant). */
  sigmas<T>(ops: Ops<T>): T {
    if (!this.logSigmaName) return ops.constant(new Float32Array(this.count).fill(this.options.initSigma), [this.count]);
    return ops.add(ops.exp(ops.param(this.logSigmaName)), ops.scalar(this.options.minSigma));
  }

  /** Normalised steps u [B, L] → kernel values [B, L, K]. */
  apply<T>(ops: Ops<T>, u: T): T {
    const offset = ops.sub(ops.expandDims(u, 2), this.centres(ops));
    const coefficient = ops.div(ops.scalar(-0.5), ops.square(this.sigmas(ops)));
    return ops.exp(ops.mul(ops.square(offset), coefficient));
  }
}
