import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { tf } from '../../../../../src-main/engine/model/tf';
import { clipByGlobalNorm, globalNorm } from '../../../../../src-main/engine/train/optim/clip';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('global-norm clipping', () => {
  it('measures the norm over all gradients together', () => {
    const grads = { a: tf.tensor1d([3]), b: tf.tensor2d([[0, 4]]) };
    const n = globalNorm(grads);
    expect(n.dataSync()[0]).toBeCloseTo(5, 6);
    tf.dispose([n, ...Object.values(grads)]);
  });

  it('scales every gradient by maxNorm / norm when the norm is larger, keeping the direction', () => {
    const grads = { a: tf.tensor1d([3]), b: tf.tensor2d([[0, 4]]) };
    const clipped = clipByGlobalNorm(grads, 1);
    expect(clipped.a.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(clipped.b.dataSync())).toEqual([0, expect.closeTo(0.8, 5)]);
    expect(clipped.b.shape).toEqual([1, 2]);
    tf.dispose([...Object.values(grads), ...Object.values(clipped)]);
  });

  it('leaves gradients within the norm unchanged, handles zero gradients, and leaks nothing', () => {
    const grads = { a: tf.tensor1d([0.3, 0.4]), z: tf.zeros([2]) };
    const before = tf.memory().numTensors;
    const clipped = clipByGlobalNorm(grads, 1);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(clipped.a.dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
    expect(Array.from(clipped.z.dataSync())).toEqual([0, 0]);
    expect(clipByGlobalNorm({}, 1)).toEqual({});
    tf.dispose([...Object.values(grads), ...Object.values(clipped)]);
  });
});
