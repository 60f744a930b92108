import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { tf } from '../../../../src-main/engine/model/tf';
import { countKnown, maskedCrossEntropy, maskedMse, taskLoss } from '../../../../src-main/engine/train/losses';

beforeAll(async () => {
  await initBackend('wasm');
});

const f32 = (...v: number[]) => Float32Array.from(v);
const value = (t: tf.Tensor) => t.dataSync()[0];
/** −log softmax(logits)[label], in float64. */
const nll = (logits: number[], label: number) => Math.log(logits.reduce((a, l) => a + Math.exp(l), 0)) - logits[label];

describe('countKnown', () => {
  it('counts entries with mask above 0', () => {
    expect(countKnown(f32(1, 0, 1, 1, 0))).toBe(3);
    expect(countKnown(new Uint8Array(4))).toBe(0);
  });
});

describe('maskedMse', () => {
  it('averages squared errors over known entries only, including an all-masked row', () => {
    const preds = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    // Row 3 is entirely masked; its large error must not count.
    const { loss, count } = maskedMse(preds, f32(0, 2, 1, 1, 9, 9), f32(1, 1, 1, 0, 0, 0));
    expect(count).toBe(3);
    expect(value(loss)).toBeCloseTo((1 + 0 + 4) / 3, 6);
    tf.dispose([preds, loss]);
  });

  it('gives 0 (not NaN) and a zero gradient when nothing is known', () => {
    const preds = tf.variable(tf.tensor2d([1, 2], [2, 1]));
    const { value: loss, grads } = tf.variableGrads(() => maskedMse(preds, f32(5, 5), f32(0, 0)).loss, [preds]);
    expect(Math.abs(value(loss))).toBe(0);
    expect(Array.from(grads[preds.name].dataSync(), Math.abs)).toEqual([0, 0]);
    tf.dispose([preds, loss, grads[preds.name]]);
  });

  it('has the gradient 2·m·(p − y) / count with respect to the predictions', () => {
    const preds = tf.variable(tf.tensor2d([1, 2, 3], [3, 1]));
    const { value: loss, grads } = tf.variableGrads(() => maskedMse(preds, f32(0, 0, 0), f32(1, 0, 1)).loss, [preds]);
    const g = Array.from(grads[preds.name].dataSync());
    expect(g[0]).toBeCloseTo((2 * 1) / 2, 6);
    expect(g[1]).toBe(0);
    expect(g[2]).toBeCloseTo((2 * 3) / 2, 6);
    tf.dispose([preds, loss, grads[preds.name]]);
  });

  it('rejects predictions that do not match the targets', () => {
    const preds = tf.zeros([2, 2]);
    expect(() => maskedMse(preds, f32(1, 2, 3), f32(1, 1, 1))).toThrow(/4 predictions for 3 targets/);
    preds.dispose();
  });
});

describe('curve loss (taskLoss for sequences)', () => {
  it('is the mean over every known (row, point) pair; padding and missing curves count nothing', () => {
    // Row 1: 3 points; row 2: 2 points + 1 padded; row 3: no curve at all.
    const preds = tf.tensor2d([1, 1, 1, 0, 2, 7, 3, 3, 3], [3, 3]);
    const targets = f32(0, 1, 3, 1, 0, 0, 0, 0, 0);
    const mask = f32(1, 1, 1, 1, 1, 0, 0, 0, 0);
    const { loss, count } = taskLoss('sequence', preds, targets, mask);
    expect(count).toBe(5);
    expect(value(loss)).toBeCloseTo((1 + 0 + 4 + 1 + 4) / 5, 6);
    tf.dispose([preds, loss]);
  });
});

describe('maskedCrossEntropy', () => {
  const logits = [
    [2, 0, -1],
    [0, 1, 0],
    [5, 5, 5],
    [-3, 4, 1],
  ];
  const labels = f32(0, 2, 1, 1);
  // Row 3 is missing (its class is a placeholder).
  const mask = f32(1, 1, 0, 1);

  it('averages −log softmax of the true class over known rows', () => {
    const t = tf.tensor2d(logits);
    const { loss, count } = maskedCrossEntropy(t, labels, mask);
    expect(count).toBe(3);
    expect(value(loss)).toBeCloseTo((nll(logits[0], 0) + nll(logits[1], 2) + nll(logits[3], 1)) / 3, 5);
    tf.dispose([t, loss]);
  });

  it('weights rows by their class weight and divides by the weight sum (PyTorch semantics)', () => {
    const t = tf.tensor2d(logits);
    const w = [1, 3, 0.5];
    const { loss } = taskLoss('classification', t, labels, mask, { classWeights: w });
    const expected = (w[0] * nll(logits[0], 0) + w[2] * nll(logits[1], 2) + w[1] * nll(logits[3], 1)) / (w[0] + w[2] + w[1]);
    expect(value(loss)).toBeCloseTo(expected, 5);
    tf.dispose([t, loss]);
  });

  it('stays finite for huge logits and gives 0 for an all-masked batch', () => {
    const t = tf.tensor2d([
      [1000, -1000],
      [-1000, 1000],
    ]);
    const confident = maskedCrossEntropy(t, f32(0, 1), f32(1, 1));
    expect(value(confident.loss)).toBeCloseTo(0, 6);
    const wrong = maskedCrossEntropy(t, f32(1, 0), f32(1, 1));
    expect(value(wrong.loss)).toBeCloseTo(2000, 1);
    const none = maskedCrossEntropy(t, f32(0, 0), f32(0, 0));
    expect(none.count).toBe(0);
    expect(Math.abs(value(none.loss))).toBe(0);
    tf.dispose([t, confident.loss, wrong.loss, none.loss]);
  });

  it('rejects a wrong number of class weights and labels outside the classes', () => {
    const t = tf.tensor2d(logits);
    expect(() => maskedCrossEntropy(t, labels, mask, { classWeights: [1, 2] })).toThrow(/2 class weights were given for 3 classes/);
    expect(() => maskedCrossEntropy(t, f32(0, 3, 0, 0), mask)).toThrow(/Class index 3/);
    t.dispose();
  });

  it('does not leak tensors', () => {
    const t = tf.tensor2d(logits);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) maskedCrossEntropy(t, labels, mask).loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
