import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { headType } from '../../../../../src-main/engine/model/heads/index';
import { centresFromQuantiles } from '../../../../../src-main/engine/model/layers/gaussian-kernels';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { tf } from '../../../../../src-main/engine/model/tf';
import { buildHead, depositOutputs, seebeckCurves, sequenceHeadContract, stepsInfo } from './sequence-fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('kernel_regression head', () => {
  sequenceHeadContract('kernel_regression', {}, 'seebeck');

  const curves = seebeckCurves([3, 4, 8, 15, 18]);
  const data = { width: curves.width, steps: stepsInfo(curves) };

  it('places learnable centres at the quantiles of the training temperatures, in normalised units', () => {
    const { store } = buildHead('kernel_regression', { kernel_learnable_centers: true, kernel_num_centers: 5 }, data);
    const centres = Array.from(store.values('head.kernel_regression.kernels.centres'));
    store.dispose();
    expect(centres).toEqual(Array.from(centresFromQuantiles(data.steps.quantiles, data.steps, 5)));
    expect(centres[0]).toBeCloseTo(0, 6);
    expect(centres[4]).toBeCloseTo(1, 6);
  });

  it("computes every point on its own: reordering a row's points reorders its values", () => {
    const { head, store } = buildHead('kernel_regression', {}, data);
    const ops = createTfOps(store, { training: false });
    const reversed = Float32Array.from(curves.steps, (_, k) => curves.steps[k - (k % curves.width) + curves.width - 1 - (k % curves.width)]);
    const [forward, backward] = tf.tidy(() => {
      const h = depositOutputs(curves.n, 8);
      return [curves.steps, reversed].map((s) => Array.from(head.forward(ops, h, tf.tensor(s, [curves.n, curves.width])).dataSync()));
    });
    store.dispose();
    backward.forEach((v, k) => expect(v).toBeCloseTo(forward[k - (k % curves.width) + curves.width - 1 - (k % curves.width)], 5));
  });

  it('stays finite when the learned widths collapse to kernel_min_sigma', () => {
    const { head, store } = buildHead('kernel_regression', { kernel_min_sigma: 0.01 }, data);
    const logSigma = store.get('head.kernel_regression.kernels.log_sigma');
    tf.tidy(() => logSigma.assign(tf.fill(logSigma.shape, -80)));
    const ops = createTfOps(store, { training: false });
    const out = tf.tidy(() => Array.from(head.forward(ops, depositOutputs(curves.n, 8), tf.tensor(curves.steps, [curves.n, curves.width])).dataSync()));
    store.dispose();
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it('builds μ₃ from W_h·h + W_t·t (one bias) and leaves it out when disabled', () => {
    const withMu3 = buildHead('kernel_regression', { mu3_hidden_dims: [16, 8] }, data);
    expect(withMu3.store.spec('head.kernel_regression.mu3.h.kernel').shape).toEqual([8, 16]);
    expect(withMu3.store.spec('head.kernel_regression.mu3.t.kernel').shape).toEqual([1, 16]);
    expect(withMu3.store.has('head.kernel_regression.mu3.t.bias')).toBe(false);
    withMu3.store.dispose();
    const without = buildHead('kernel_regression', { enable_mu3: false }, data);
    expect(without.store.names().some((n) => n.includes('.mu3.'))).toBe(false);
    without.store.dispose();
  });

  it('rejects an initial width at or below the minimum', () => {
    expect(() => headType('kernel_regression')!.options.parse({ kernel_init_sigma: 0.001, kernel_min_sigma: 0.001 })).toThrow(/kernel_init_sigma/);
  });
});
