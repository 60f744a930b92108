import { beforeAll, describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { Optimizer, type OptimizerOptions } from '../../../../../src-main/engine/train/optim/optimizer';

beforeAll(async () => {
  await initBackend('wasm');
});

const f32 = (...v: number[]) => Float32Array.from(v);

/** A store with one 2-element parameter `w` = [1, −2] in group 'encoder' (plus optional extras). */
function storeWith(extra: Array<[string, number[], string]> = []): ParamStore {
  const store = new ParamStore(new Rng(3));
  store.create('w', [2], { values: f32(1, -2) }, 'encoder');
  for (const [name, values, group] of extra) store.create(name, [values.length], { values: Float32Array.from(values) }, group);
  return store;
}

/** Applies fixed gradients, one map per step. */
function applySteps(opt: Optimizer, steps: Array<Record<string, number[]>>): void {
  for (const step of steps) {
    const grads = Object.fromEntries(Object.entries(step).map(([n, g]) => [n, tf.tensor1d(g)]));
    opt.step(grads);
    tf.dispose(Object.values(grads));
  }
}

/** PyTorch's ε, which the hand-computed values below use (the seed's default is 1e-6). */
const PYTORCH = { eps: 1e-8 };
const encoderOnly = (type: 'adam' | 'adamw', lr: number, weightDecay = 0): OptimizerOptions['groups'] => [
  { id: 'encoder', storeGroups: ['encoder'], type, options: PYTORCH, lr, weightDecay },
];
const G = [{ w: [0.5, -1] }, { w: [-0.3, 2] }];

describe('Adam / AdamW in the grouped optimiser', () => {
  // Expected values from PyTorch's update rule in float64 (lr 0.1, betas 0.9/0.999, eps 1e-8), by hand:
  // step 1 moves each weight by lr·sign(g); step 2 uses m = 0.09·g₁ + 0.1·g₂, v = 0.000999·g₁² + 0.001·g₂².
  it('Adam matches the hand-computed two-step update', () => {
    const store = storeWith();
    const opt = new Optimizer(store, { groups: encoderOnly('adam', 0.1) });
    applySteps(opt, G.slice(0, 1));
    expect(Array.from(store.values('w'))).toEqual([expect.closeTo(0.9, 6), expect.closeTo(-1.9, 6)]);
    applySteps(opt, G.slice(1));
    expect(Array.from(store.values('w'))).toEqual([expect.closeTo(0.880850199, 6), expect.closeTo(-1.936610353, 6)]);
  });

  it('AdamW decays the weights first, decoupled from the moments: p ← p·(1 − lr·wd) − step', () => {
    const store = storeWith();
    const opt = new Optimizer(store, { groups: encoderOnly('adamw', 0.1, 0.1) });
    applySteps(opt, G.slice(0, 1));
    expect(Array.from(store.values('w'))).toEqual([expect.closeTo(0.89, 6), expect.closeTo(-1.88, 6)]);
    applySteps(opt, G.slice(1));
    expect(Array.from(store.values('w'))).toEqual([expect.closeTo(0.861950199, 6), expect.closeTo(-1.897810353, 6)]);
  });

  it('Adam with weight decay adds the L2 term wd·p to the gradient', () => {
    const store = storeWith();
    const opt = new Optimizer(store, { groups: encoderOnly('adam', 0.1, 0.1) });
    applySteps(opt, G);
    expect(Array.from(store.values('w'))).toEqual([expect.closeTo(0.861352997, 6), expect.closeTo(-1.925017878, 6)]);
  });

  it('trains each group with its own optimiser: AdamW and Adam side by side, as each alone', () => {
    const store = storeWith([['h', [1, -2], 'head:gap']]);
    const opt = new Optimizer(store, {
      groups: [...encoderOnly('adamw', 0.1, 0.1), { id: 'head:gap', storeGroups: ['head:gap'], type: 'adam', options: PYTORCH, lr: 0.1, weightDecay: 0.1 }],
    });
    applySteps(
      opt,
      G.map((g) => ({ ...g, h: g.w })),
    );
    expect(Array.from(store.values('w'))).toEqual([expect.closeTo(0.861950199, 6), expect.closeTo(-1.897810353, 6)]);
    expect(Array.from(store.values('h'))).toEqual([expect.closeTo(0.861352997, 6), expect.closeTo(-1.925017878, 6)]);
  });

  it('agrees with tf.train.adam on a quadratic over 20 steps', () => {
    const target = tf.tensor1d([0.3, -0.7, 2]);
    const ours = new ParamStore(new Rng(1));
    const w = ours.create('w', [3], { values: f32(1, 1, 1) }, 'encoder');
    const reference = tf.variable(tf.tensor1d([1, 1, 1]));
    const opt = new Optimizer(ours, { groups: [{ id: 'encoder', storeGroups: ['encoder'], type: 'adam', options: { eps: 1e-7 }, lr: 0.05 }] });
    const tfAdam = tf.train.adam(0.05, 0.9, 0.999, 1e-7);
    const loss = (v: tf.Tensor) => () => tf.sum(tf.square(tf.sub(v, target))) as tf.Scalar;
    for (let i = 0; i < 20; i++) {
      const { value, grads } = ours.variableGrads(loss(w), [w]);
      opt.step(grads);
      tf.dispose([value, ...Object.values(grads)]);
      tf.dispose(tfAdam.minimize(loss(reference), true, [reference]) ?? undefined);
    }
    const a = Array.from(ours.values('w'));
    const b = Array.from(reference.dataSync());
    // tfjs forms 1 − β₂ᵗ in float32 (≈1e-5 relative error in v̂ early on); ours uses float64 host scalars, like PyTorch.
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 4));
    tf.dispose([target, reference]);
    tfAdam.dispose();
  });

  it('gives each group its own learning rate, and setLr changes it', () => {
    const store = storeWith([
      ['sigma', [0], 'weighting'],
      ['head', [0], 'head:gap'],
    ]);
    const opt = new Optimizer(store, {
      groups: [
        { id: 'encoder', storeGroups: ['encoder', 'weighting'], type: 'adamw', options: PYTORCH, lr: 0.01 },
        { id: 'head:gap', storeGroups: ['head:gap'], type: 'adamw', options: PYTORCH, lr: 0.1 },
      ],
    });
    // Adam's first step moves every weight by lr·sign(g), whatever the gradient's size.
    applySteps(opt, [{ w: [1, 1], sigma: [5], head: [0.001] }]);
    expect(store.values('w')[0]).toBeCloseTo(0.99, 6);
    expect(store.values('sigma')[0]).toBeCloseTo(-0.01, 6);
    expect(store.values('head')[0]).toBeCloseTo(-0.1, 4);
    opt.setLr('head:gap', 0);
    const head = store.values('head')[0];
    applySteps(opt, [{ head: [1] }]);
    expect(store.values('head')[0]).toBe(head);
    expect(opt.lr('encoder')).toBe(0.01);
  });

  it('skips frozen parameters and parameters without a gradient (their moments untouched)', () => {
    const store = storeWith([['head', [1], 'head:gap']]);
    const opt = new Optimizer(store, {
      groups: [
        { id: 'encoder', storeGroups: ['encoder'], type: 'adamw', lr: 0.1, weightDecay: 0.5 },
        { id: 'head:gap', storeGroups: ['head:gap'], type: 'adamw', lr: 0.1 },
      ],
    });
    store.setFrozen((s) => s.group === 'encoder');
    expect(opt.variables().map((v) => v.name)).toEqual([store.get('head').name]);
    applySteps(opt, [{ w: [1, 1], head: [1] }]);
    expect(Array.from(store.values('w'))).toEqual([1, -2]);
    expect(store.values('head')[0]).toBeCloseTo(0.9, 6);
    store.setFrozen((s) => s.group === 'encoder', false);
    applySteps(opt, [{ w: [1, 1] }]);
    const state = opt.exportState();
    // The head was not updated in the second step, so its bias correction has seen one step only.
    expect(state.slots.head.step).toBe(1);
    expect(state.slots.w.step).toBe(1);
    expect(store.values('head')[0]).toBeCloseTo(0.9, 6);
  });

  it('clips the global norm before the update', () => {
    // Gradients [3, 4] (norm 5) clipped to norm 1 must act exactly like [0.6, 0.8] unclipped.
    const run = (clip: number | undefined, first: number[]) => {
      const store = storeWith();
      const opt = new Optimizer(store, { groups: encoderOnly('adam', 0.1), globalClipNorm: clip });
      applySteps(opt, [{ w: first }, { w: [0.1, -0.2] }]);
      return Array.from(store.values('w'));
    };
    const clipped = run(1, [3, 4]);
    const manual = run(undefined, [0.6, 0.8]);
    clipped.forEach((x, i) => expect(x).toBeCloseTo(manual[i], 5));
    const unclipped = run(undefined, [3, 4]);
    expect(Math.abs(unclipped[0] - clipped[0])).toBeGreaterThan(1e-3);
  });

  it('resumes bit-exactly from an exported state', () => {
    const steps = Array.from({ length: 6 }, (_, i) => ({ w: [Math.sin(i + 1), Math.cos(3 * i)], head: [0.1 * i - 0.2] }));
    const groups: OptimizerOptions['groups'] = [
      { id: 'encoder', storeGroups: ['encoder'], type: 'adamw', lr: 0.01, weightDecay: 0.01 },
      { id: 'head:gap', storeGroups: ['head:gap'], type: 'adam', lr: 0.003 },
    ];
    const fresh = () => storeWith([['head', [0.5], 'head:gap']]);

    const straight = fresh();
    const a = new Optimizer(straight, { groups });
    applySteps(a, steps);

    const first = fresh();
    const b = new Optimizer(first, { groups });
    applySteps(b, steps.slice(0, 3));
    b.setLr('head:gap', 0.002);
    b.setLr('head:gap', 0.003);
    const saved = b.exportState();
    const weights = first.snapshot();

    const resumed = fresh();
    resumed.load(weights);
    const c = new Optimizer(resumed, { groups: groups.map((g) => ({ ...g, lr: 1 })) });
    c.loadState(saved);
    expect(c.lr('encoder')).toBe(0.01);
    applySteps(c, steps.slice(3));
    expect(resumed.values('w')).toEqual(straight.values('w'));
    expect(resumed.values('head')).toEqual(straight.values('head'));
    expect(c.exportState()).toEqual(a.exportState());
  });

  it('rejects a saved state whose sizes do not match the model', () => {
    const store = storeWith();
    const opt = new Optimizer(store, { groups: encoderOnly('adam', 0.1) });
    expect(() => opt.loadState({ lrs: {}, slots: { w: { step: 1, m: f32(1, 2, 3), v: f32(1, 2, 3) } } })).toThrow(/"w" has 3 values but the parameter has 2/);
  });

  it('does not leak tensors over many steps, and frees its state on dispose', () => {
    const store = storeWith([['head', [0.5], 'head:gap']]);
    const opt = new Optimizer(store, {
      globalClipNorm: 1,
      groups: [
        { id: 'encoder', storeGroups: ['encoder'], type: 'adamw', lr: 0.01, weightDecay: 0.1 },
        { id: 'head:gap', storeGroups: ['head:gap'], type: 'delta_bar_delta', lr: 0.01 },
      ],
    });
    const vars = opt.variables();
    const loss = () => tf.sum(tf.square(tf.concat([vars[0], vars[1]]))) as tf.Scalar;
    const before = tf.memory().numTensors;
    const stepOnce = () => {
      const { value, grads } = store.variableGrads(loss, vars);
      opt.step(grads);
      tf.dispose([value, ...Object.values(grads)]);
    };
    stepOnce();
    const withState = tf.memory().numTensors;
    expect(withState).toBe(before + 4);
    for (let i = 0; i < 100; i++) stepOnce();
    expect(tf.memory().numTensors).toBe(withState);
    opt.exportState();
    opt.loadState(opt.exportState());
    expect(tf.memory().numTensors).toBe(withState);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses gradients keyed by tfjs variable names instead of parameter names', () => {
    const store = storeWith();
    const opt = new Optimizer(store, { groups: encoderOnly('adam', 0.1) });
    const g = tf.tensor1d([1, 1]);
    expect(() => opt.step({ [store.get('w').name]: g })).toThrow(/unknown parameter "s\d+\/w"/);
    g.dispose();
  });

  it('rejects overlapping groups and invalid hyper-parameters', () => {
    const store = storeWith();
    expect(
      () =>
        new Optimizer(store, {
          groups: [
            { id: 'encoder', storeGroups: ['encoder', 'weighting'], type: 'adamw', lr: 0.1 },
            { id: 'w', storeGroups: ['weighting'], type: 'adamw', lr: 0.1 },
          ],
        }),
    ).toThrow(/"weighting" are in two optimiser groups/);
    expect(() => new Optimizer(store, { groups: encoderOnly('adamw', -1) })).toThrow(CrucibleError);
    expect(
      () => new Optimizer(store, { groups: [{ id: 'encoder', storeGroups: ['encoder'], type: 'adamw', options: { betas: [1, 0.999] }, lr: 0.1 }] }),
    ).toThrow(/options of optimiser "adamw" are invalid: betas\.0/);
  });
});
