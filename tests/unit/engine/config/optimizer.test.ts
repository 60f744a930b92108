/** The optimiser and scheduler of a config: registry ids whose own options come flat (the seed's keys) or under `*_options`. */
import { describe, expect, it } from 'vitest';
import { BASE, errorOf, noticesOf, resolveYaml } from './fixtures';

/** BASE with `optimizer` as the shared block's optimiser (its line is 3). */
const withOptimizer = (optimizer: string) => BASE.replace('  init_args:\n', `  init_args:\n    shared_block_optimizer: ${optimizer}\n`);
const encoderOptimizer = (optimizer: string) => resolveYaml(withOptimizer(optimizer)).model.encoderOptimizer;

describe('optimiser and scheduler options in the config', () => {
  it("take a scheduler's own options under scheduler_options, beside the seed's flat keys", () => {
    const o = encoderOptimizer('{ scheduler_type: plateau, patience: 3, scheduler_options: { cooldown: 2, threshold_mode: abs } }');
    expect(o.scheduler).toEqual({
      type: 'reduce_on_plateau',
      options: {
        mode: 'min',
        factor: 0.5,
        patience: 3,
        min_lr: 1e-4,
        monitor: 'val_task_loss',
        threshold: 1e-4,
        threshold_mode: 'abs',
        cooldown: 2,
        eps: 1e-8,
      },
    });
    // The seed's factor is StepLR's gamma; its own name works as well.
    expect(encoderOptimizer('{ scheduler_type: StepLR, factor: 0.3 }').scheduler).toEqual({ type: 'step', options: { step_size: 10, gamma: 0.3 } });
    expect(encoderOptimizer('{ scheduler_type: step, scheduler_options: { gamma: 0.3 } }').scheduler).toEqual({
      type: 'step',
      options: { step_size: 10, gamma: 0.3 },
    });
  });

  it("take an optimiser's own options under optimizer_options as well as flat", () => {
    expect(encoderOptimizer('{ optimizer_type: adam, optimizer_options: { betas: [0.8, 0.99] }, eps: 1.0e-8 }')).toMatchObject({
      type: 'adam',
      options: { betas: [0.8, 0.99], eps: 1e-8 },
    });
  });

  it('refuse unknown optimisers and schedulers, naming the known ones', () => {
    const optimizer = errorOf(withOptimizer('{ optimizer_type: sgd }'));
    expect(optimizer.message).toMatch(/shared_block_optimizer\.optimizer_type is "sgd"/);
    expect(optimizer.describe()).toMatch(/adam.*adamw.*delta_bar_delta/);
    const scheduler = errorOf(withOptimizer('{ scheduler_type: linear }'));
    expect(scheduler.message).toMatch(/shared_block_optimizer\.scheduler_type is "linear"/);
    expect(scheduler.describe()).toMatch(/none.*step.*cosine.*reduce_on_plateau/);
  });

  it("check options with the optimiser's or scheduler's own schema, at the line they are written", () => {
    const unknown = errorOf(withOptimizer('{ scheduler_type: cosine, scheduler_options: { T_max: 5 } }'));
    expect([unknown.message, unknown.location?.row]).toEqual(['Unknown key "model.init_args.shared_block_optimizer.scheduler_options.T_max".', 3]);
    expect(unknown.hint).toMatch(/t_max/);
    const bad = errorOf(withOptimizer('{ optimizer_type: adamw, betas: [0.9, 1.5] }'));
    expect(bad.message).toMatch(/^optimiser "adamw": model\.init_args\.shared_block_optimizer\.betas\[1\] is 1\.5/);
    const nested = errorOf(withOptimizer('{ optimizer_type: delta_bar_delta, optimizer_options: { momentum: 1 } }'));
    expect(nested.message).toMatch(/shared_block_optimizer\.optimizer_options\.momentum is 1/);
  });

  it('refuse one option given both ways, and note flat options the chosen optimiser does not read', () => {
    const twice = errorOf(withOptimizer('{ scheduler_type: step, factor: 0.5, scheduler_options: { gamma: 0.2 } }'));
    expect(twice.message).toBe(
      'model.init_args.shared_block_optimizer.scheduler_options.gamma sets the same option as model.init_args.shared_block_optimizer.factor (line 3).',
    );
    expect(noticesOf(withOptimizer('{ optimizer_type: adam, gains: { max: 5 } }')).map((n) => n.message)).toContain(
      'gains applies to optimizer_type delta_bar_delta only; the adam optimiser ignores it.',
    );
  });
});
