import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { GaussianKernels, centresFromQuantiles } from '../../../../../src-main/engine/model/layers/gaussian-kernels';

let store: ParamStore;
beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => store?.dispose());

describe('centresFromQuantiles', () => {
  it('interpolates the quantiles at evenly spaced levels and normalises them to the training range', () => {
    // Quantiles at q = 0, 0.5, 1 of temperatures spanning 300–900 K.
    const centres = centresFromQuantiles([300, 400, 900], { min: 300, max: 900 }, 5);
    expect(Array.from(centres).map((c) => +c.toFixed(6))).toEqual([0, 1 / 12, 1 / 6, 0.583333, 1].map((c) => +c.toFixed(6)));
  });

  it('spreads centres evenly without quantiles, and puts a single centre in the middle', () => {
    expect(Array.from(centresFromQuantiles([], { min: 0, max: 1 }, 3))).toEqual([0, 0.5, 1]);
    expect(Array.from(centresFromQuantiles([0, 10], { min: 0, max: 10 }, 1))).toEqual([0.5]);
  });
});

describe('GaussianKernels', () => {
  const options = { centres: Float32Array.from([0, 0.5, 1]), initSigma: 0.2, minSigma: 0.01, learnableCentres: true, learnableSigmas: true, group: 'g' };

  it('evaluates exp(−(u − c)²/(2σ²)) for every point and centre', () => {
    store = new ParamStore(new Rng(1));
    const kernels = new GaussianKernels(store, 'k', options);
    const ops = createTfOps(store, { training: false });
    const u = [0, 0.25, 0.5, 0.9];
    const k = tf.tidy(() => kernels.apply(ops, tf.tensor(u, [1, 4])).dataSync());
    u.forEach((x, i) => [0, 0.5, 1].forEach((c, j) => expect(k[i * 3 + j]).toBeCloseTo(Math.exp(-((x - c) ** 2) / (2 * 0.2 ** 2)), 5)));
  });

  it('never lets a learned width fall below the minimum', () => {
    store = new ParamStore(new Rng(1));
    const kernels = new GaussianKernels(store, 'k', options);
    store.get('k.log_sigma').assign(tf.fill([3], -60));
    const sigmas = tf.tidy(() => kernels.sigmas(createTfOps(store, { training: false })).dataSync());
    sigmas.forEach((s) => expect(s).toBeCloseTo(0.01, 7));
  });

  it('keeps fixed centres and widths out of the parameters', () => {
    store = new ParamStore(new Rng(1));
    new GaussianKernels(store, 'k', { ...options, learnableCentres: false, learnableSigmas: false });
    expect(store.names()).toEqual([]);
  });
});
