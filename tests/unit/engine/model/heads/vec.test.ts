import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { headType } from '../../../../../src-main/engine/model/heads/index';
import { modelOutput, phononCurves, sequenceHeadContract, stepsInfo } from './sequence-fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('vec head', () => {
  sequenceHeadContract('vec', {}, 'dos');

  it('ignores the steps: one output vector per row whatever the grid', () => {
    const curves = phononCurves([0, 1, 2]);
    const data = { width: curves.width, steps: stepsInfo(curves) };
    const shifted = { ...curves, steps: curves.steps.map((s) => s + 100) };
    expect(modelOutput('vec', {}, data, shifted).values).toEqual(modelOutput('vec', {}, data, curves).values);
  });

  it('takes the regression head options', () => {
    expect(Object.keys(headType('vec')!.options.parse({}))).toEqual(Object.keys(headType('regression')!.options.parse({})));
  });
});
