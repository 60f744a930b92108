import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, dumpResolvedConfig, type ConfigNotice } from '../../../../../src-main/engine/config/index';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { Optimizer } from '../../../../../src-main/engine/train/optim/optimizer';
import { dataSet } from '../../../../helpers/paths';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A delta_bar_delta optimiser over one parameter `w`; `options` are the optimiser's own (momentum, gains). */
function gainsOptimizer(values: number[], options: Record<string, unknown>, lr = 0.1, weightDecay = 0): { store: ParamStore; opt: Optimizer } {
  const store = new ParamStore(new Rng(3));
  store.create('w', [values.length], { values: Float32Array.from(values) }, 'encoder');
  const opt = new Optimizer(store, { groups: [{ id: 'encoder', storeGroups: ['encoder'], type: 'delta_bar_delta', options, lr, weightDecay }] });
  return { store, opt };
}

function step(opt: Optimizer, g: number[]): void {
  const t = tf.tensor1d(g);
  opt.step({ w: t });
  t.dispose();
}

const gainsOf = (opt: Optimizer) => Array.from(opt.exportState().slots.w.v);

describe('delta-bar-delta gains', () => {
  it('grows a gain by κ while the gradient keeps its sign, multiplies it by φ on a flip, and clips to [min, max]', () => {
    // μ = 0, so m is the last gain-scaled gradient and the rule compares consecutive gradients.
    const { store, opt } = gainsOptimizer([0, 0], { momentum: 0, gains: { increment: 0.05, decay: 0.5, min: 0.2, max: 1.08 } });
    const expected: number[][] = [];
    let p = [0, 0];
    const run = (g: number[], gains: number[]) => {
      step(opt, g);
      p = p.map((x, i) => x - 0.1 * gains[i] * g[i]);
      expected.push(gains);
      expect(gainsOf(opt)).toEqual(gains.map((x) => expect.closeTo(x, 6)));
      expect(Array.from(store.values('w'))).toEqual(p.map((x) => expect.closeTo(x, 6)));
    };
    // Weight 0 keeps its sign for three steps, then flips twice; weight 1 flips every step.
    run([1, 1], [1, 1]); // no history yet: gains stay 1
    run([1, -1], [1.05, 0.5]);
    run([1, 1], [1.08, 0.25]); // 1.1 clipped to max; 0.25
    run([-1, -1], [0.54, 0.2]); // flip: ×0.5; 0.125 clipped to min
    run([-1, 1], [0.59, 0.2]);
    expect(expected).toHaveLength(5);
  });

  it('adds momentum: mₜ = μ·mₜ₋₁ + γₜ·gₜ and p ← p − lr·mₜ, with weight decay as an L2 term', () => {
    const { store, opt } = gainsOptimizer([1], { momentum: 0.9 }, 0.1, 0.5);
    step(opt, [2]); // g = 2 + 0.5·1 = 2.5, γ = 1, m = 2.5, p = 1 − 0.25 = 0.75
    expect(store.values('w')[0]).toBeCloseTo(0.75, 6);
    step(opt, [2]); // g = 2 + 0.375 = 2.375 agrees with m: γ = 1.05; m = 0.9·2.5 + 1.05·2.375 = 4.74375
    expect(gainsOf(opt)[0]).toBeCloseTo(1.05, 6);
    expect(store.values('w')[0]).toBeCloseTo(0.75 - 0.474375, 5);
  });

  it('saves and restores its momentum and gains so a resumed run continues exactly', () => {
    const options = { momentum: 0.5 };
    const a = gainsOptimizer([1, -1], options);
    const grads = [
      [0.3, -0.2],
      [0.1, 0.4],
      [0.2, 0.1],
      [-0.5, 0.3],
    ];
    for (const g of grads.slice(0, 2)) step(a.opt, g);
    const b = gainsOptimizer(Array.from(a.store.values('w')), options);
    b.opt.loadState(a.opt.exportState());
    for (const g of grads.slice(2)) {
      step(a.opt, g);
      step(b.opt, g);
    }
    expect(Array.from(b.store.values('w'))).toEqual(Array.from(a.store.values('w')));
  });

  it('rejects impossible gain settings', () => {
    expect(() => gainsOptimizer([1], { gains: { min: 2, max: 1 } })).toThrow(CrucibleError);
    expect(() => gainsOptimizer([1], { gains: { min: 2, max: 1 } })).toThrow(/gains\.min: the gains' min \(2\) is above their max \(1\)/);
    expect(() => gainsOptimizer([1], { momentum: 1 })).toThrow(/momentum/);
  });
});

describe('delta_bar_delta in the config', () => {
  const yaml = (optimizer: string) => `
model:
  init_args:
    shared_block_dims: [auto, 16]
    task_configs:
      - { name: band_gap, type: REGRESSION, data_column: band_gap_eV, dims: [16, 1] }
    shared_block_optimizer: ${optimizer}
data:
  init_args:
    attributes_source: ${dataSet('matbench_expt_gap', 'expt_gap_multitask.csv')}
    formula_column: formula
    featurizer: magpie
`;

  it('resolves the gains with their defaults and dumps them back to an equal config', () => {
    const cfg = parseConfigText(yaml('{ optimizer_type: delta_bar_delta, lr: 0.01, momentum: 0.8, gains: { max: 5 } }'), { baseDir: '/' });
    expect(cfg.model.encoderOptimizer).toMatchObject({
      type: 'delta_bar_delta',
      lr: 0.01,
      options: { momentum: 0.8, gains: { increment: 0.05, decay: 0.95, min: 0.1, max: 5 } },
    });
    expect(cfg.tasks[0].optimizer).toMatchObject({ type: 'adamw', options: { betas: [0.9, 0.999], eps: 1e-6 } });
    expect(parseConfigText(dumpResolvedConfig(cfg), { baseDir: '/' })).toStrictEqual(cfg);
  });

  it('names the key when min exceeds max, and notes options another optimiser reads', () => {
    expect(() => parseConfigText(yaml('{ optimizer_type: delta_bar_delta, gains: { min: 30 } }'), { baseDir: '/' })).toThrow(
      /shared_block_optimizer\.gains\.min is 30; the gains' min \(30\) is above their max \(10\)/,
    );
    const notices: ConfigNotice[] = [];
    parseConfigText(yaml('{ optimizer_type: adamw, momentum: 0.5 }'), { baseDir: '/', onNotice: (n) => notices.push(n) });
    parseConfigText(yaml('{ optimizer_type: delta_bar_delta, eps: 1.0e-7 }'), { baseDir: '/', onNotice: (n) => notices.push(n) });
    expect(notices.map((n) => n.message)).toEqual(
      expect.arrayContaining([
        'momentum applies to optimizer_type delta_bar_delta only; the adamw optimiser ignores it.',
        'eps applies to optimizer_type adam and adamw only; the delta_bar_delta optimiser ignores it.',
      ]),
    );
  });
});
