import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { MultiTaskModel, type ModelSpec } from '../../../../src-main/engine/model/model';
import { createTfOps } from '../../../../src-main/engine/model/ops/tf-ops';
import { tf } from '../../../../src-main/engine/model/tf';

const spec = (extra: Partial<ModelSpec> = {}): ModelSpec => ({
  encoder: { inputDim: 6, hiddenDims: [16, 16], depositDim: 8, activation: 'leaky_relu', norm: true, residual: true, dropout: 0 },
  tasks: [
    { name: 'gap', kind: 'regression', head: 'regression', headOptions: {}, data: { width: 1 } },
    { name: 'metal', kind: 'classification', head: 'classification', headOptions: { hidden_dims: [8] }, data: { width: 2 } },
  ],
  ...extra,
});

describe('MultiTaskModel', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('maps a batch to one output per task with the right widths', () => {
    const model = new MultiTaskModel(spec(), 1);
    const ops = createTfOps(model.store, { training: false });
    tf.tidy(() => {
      const out = model.forward(ops, { x: tf.randomNormal([5, 6], 0, 1, 'float32', 3) });
      expect(out.gap.shape).toEqual([5, 1]);
      expect(out.metal.shape).toEqual([5, 2]);
    });
    model.dispose();
  });

  it('initialises identically from the same seed and differently from another', () => {
    const a = new MultiTaskModel(spec(), 7);
    const b = new MultiTaskModel(spec(), 7);
    const c = new MultiTaskModel(spec(), 8);
    expect(a.store.snapshot().data).toEqual(b.store.snapshot().data);
    expect(a.store.snapshot().data).not.toEqual(c.store.snapshot().data);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('gated structure fusion leaves rows without a structure exactly as the formula branch', () => {
    const model = new MultiTaskModel(spec({ encoder: { ...spec().encoder, structure: { inputDim: 3, hiddenDims: [16] } } }), 2);
    const ops = createTfOps(model.store, { training: false });
    tf.tidy(() => {
      const x = tf.randomNormal([4, 6], 0, 1, 'float32', 5);
      const values = tf.randomNormal([4, 3], 0, 1, 'float32', 6);
      const fused = model.encoder.hidden(ops, { x, structure: { values, has: tf.tensor2d([[1], [0], [1], [0]]) } }).arraySync() as number[][];
      const formulaOnly = model.encoder.hidden(ops, { x }).arraySync() as number[][];
      expect(fused[1]).toEqual(formulaOnly[1]);
      expect(fused[3]).toEqual(formulaOnly[3]);
      expect(fused[0]).not.toEqual(formulaOnly[0]);
    });
    model.dispose();
  });

  it('LoRA adapters leave the outputs unchanged at initialisation', () => {
    const base = new MultiTaskModel(spec(), 3);
    const adapted = new MultiTaskModel(spec({ lora: { rank: 4, alpha: 8 } }), 3);
    adapted.store.load(base.store.snapshot(), { partial: true });
    expect(adapted.store.names().filter((n) => n.includes('lora_'))).toHaveLength(2 * adapted.encoder.denseLayers.length);
    tf.tidy(() => {
      const x = tf.randomNormal([3, 6], 0, 1, 'float32', 9);
      const a = base.forward(createTfOps(base.store, { training: false }), { x }).gap.dataSync();
      const b = adapted.forward(createTfOps(adapted.store, { training: false }), { x }).gap.dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
    });
    base.dispose();
    adapted.dispose();
  });

  it('trains: a few Adam steps reduce the loss without leaking tensors', () => {
    const model = new MultiTaskModel(spec(), 4);
    const ops = createTfOps(model.store, { training: true });
    const x = tf.randomNormal([32, 6], 0, 1, 'float32', 11);
    const y = tf.sum(x, 1, true);
    const opt = tf.train.adam(0.01);
    const loss = () => tf.mean(tf.square(tf.sub(model.forward(ops, { x }, ['gap']).gap, y))) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]);
    opt.minimize(loss, false, model.store.trainable());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) opt.minimize(loss, false, model.store.trainable());
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.tidy(() => loss().dataSync()[0])).toBeLessThan(first * 0.5);
    opt.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
  });

  it('refuses a head of the wrong kind or an unknown head, naming the task', () => {
    const bad = spec();
    bad.tasks[0] = { ...bad.tasks[0], head: 'classification' };
    expect(() => new MultiTaskModel(bad, 1)).toThrow(/gap.*regression.*classification/);
    bad.tasks[0] = { ...bad.tasks[0], head: 'nope' };
    expect(() => new MultiTaskModel(bad, 1)).toThrow(/"gap".*"nope"/);
  });
});
