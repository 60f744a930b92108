import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { modelOutput, phononCurves, sequenceHeadContract, stepsInfo, truncate } from './sequence-fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Values of the first `length` points of each row of an [n, width] output. */
function prefix(values: Float32Array, width: number, length: number): number[] {
  return Array.from(values).filter((_, k) => k % width < length);
}

describe('rnn head', () => {
  describe('GRU', () => sequenceHeadContract('rnn', {}, 'dos'));
  describe('LSTM', () => sequenceHeadContract('rnn', { cell: 'lstm', hidden: 16, num_layers: 1 }, 'dos'));

  it('reads the points in order: a point depends on it and the points before it only', () => {
    const curves = phononCurves([0, 1, 2]);
    const data = { width: curves.width, steps: stepsInfo(curves) };
    const full = modelOutput('rnn', {}, data, curves);
    const short = modelOutput('rnn', {}, data, truncate(curves, 10));
    const expected = prefix(full.values, curves.width, 10);
    Array.from(short.values).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });
});
