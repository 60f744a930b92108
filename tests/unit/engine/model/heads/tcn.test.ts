import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { headType } from '../../../../../src-main/engine/model/heads/index';
import { modelOutput, phononCurves, sequenceHeadContract, stepsInfo, truncate } from './sequence-fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('tcn head', () => {
  sequenceHeadContract('tcn', {}, 'dos');

  it('is causal: the first points do not change when later points are added', () => {
    const curves = phononCurves([0, 1, 2]);
    const data = { width: curves.width, steps: stepsInfo(curves) };
    const full = modelOutput('tcn', {}, data, curves);
    const short = modelOutput('tcn', {}, data, truncate(curves, 12));
    const expected = Array.from(full.values).filter((_, k) => k % curves.width < 12);
    Array.from(short.values).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('rejects a convolution wider than the options allow', () => {
    expect(() => headType('tcn')!.options.parse({ kernel_size: 1 })).toThrow();
  });
});
