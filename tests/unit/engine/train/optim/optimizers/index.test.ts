import { describe, expect, it } from 'vitest';
import type { CrucibleError } from '../../../../../../src-main/engine/errors';
import { createUpdate, optimizers } from '../../../../../../src-main/engine/train/optim/optimizers/index';

const described = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as CrucibleError).describe();
  }
  throw new Error('expected an error');
};

describe('optimiser registry', () => {
  it('has adam, adamw and delta_bar_delta, each with its own options and their defaults', () => {
    expect(Object.keys(optimizers)).toEqual(['adam', 'adamw', 'delta_bar_delta']);
    expect(optimizers.adamw.options.parse({})).toEqual({ betas: [0.9, 0.999], eps: 1e-6 });
    expect(optimizers.delta_bar_delta.options.parse({ gains: { max: 5 } })).toEqual({
      momentum: 0.9,
      gains: { increment: 0.05, decay: 0.95, min: 0.1, max: 5 },
    });
    // A rule states how its state starts: Adam's moments at 0, delta-bar-delta's gains at 1.
    expect([createUpdate('adam', {}).initialV, createUpdate('delta_bar_delta', undefined).initialV]).toEqual([0, 1]);
  });

  it('rejects an unknown optimiser naming the known ones', () => {
    expect(described(() => createUpdate('sgd', {}))).toMatch(/no optimiser "sgd".*adam, adamw, delta_bar_delta/);
  });

  it("checks options with the optimiser's own schema: another optimiser's keys and bad values are named", () => {
    expect(() => createUpdate('adamw', { momentum: 0.9 })).toThrow(/options of optimiser "adamw" are invalid: .*momentum/);
    expect(() => createUpdate('adam', { betas: [0.9, 1] })).toThrow(/optimiser "adam" are invalid: betas\.1/);
    expect(() => createUpdate('delta_bar_delta', { eps: 1e-8 })).toThrow(/optimiser "delta_bar_delta" are invalid: .*eps/);
    expect(() => createUpdate('delta_bar_delta', { gains: { min: 2, max: 1 } })).toThrow(/gains\.min: the gains' min \(2\) is above their max \(1\)/);
  });
});
