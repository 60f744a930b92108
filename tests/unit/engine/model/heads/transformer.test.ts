import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { headType } from '../../../../../src-main/engine/model/heads/index';
import { buildHead, depositOutputs, phononCurves, sequenceHeadContract, stepsInfo } from './sequence-fixtures';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { tf } from '../../../../../src-main/engine/model/tf';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('transformer head', () => {
  sequenceHeadContract('transformer', {}, 'dos');

  it('conditions every point on the deposit output through the CLS token', () => {
    const curves = phononCurves([0, 1]);
    const { head, store } = buildHead('transformer', {}, { width: curves.width, steps: stepsInfo(curves) });
    const ops = createTfOps(store, { training: false });
    const [a, b] = tf.tidy(() => {
      const t = tf.tensor(curves.steps, [2, curves.width]);
      return [depositOutputs(2, 8, 1), depositOutputs(2, 8, 2)].map((h) => Array.from(head.forward(ops, h, t).dataSync()));
    });
    store.dispose();
    // Same steps, different materials: every point moves.
    expect(a.every((v, i) => Math.abs(v - b[i]) > 1e-6)).toBe(true);
  });

  it('needs d_model to split evenly over the heads', () => {
    expect(() => headType('transformer')!.options.parse({ d_model: 30, nhead: 4 })).toThrow(/multiple of nhead/);
  });
});
