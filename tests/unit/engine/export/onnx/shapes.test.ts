import { describe, expect, it } from 'vitest';
import { broadcastShapes, concatShape, matMulShape, padShape, reshapeShape, sliceShape } from '../../../../../src-main/engine/export/onnx/shapes';

describe('symbolic shape tracking', () => {
  it('broadcasts sizes, keeps symbolic axes and leaves unknown ones unknown', () => {
    expect(broadcastShapes(['batch', null, 192], [192])).toEqual(['batch', null, 192]);
    expect(broadcastShapes(['batch', 1, 64], ['batch', 'points', 1])).toEqual(['batch', 'points', 64]);
    expect(broadcastShapes([], ['batch', 4])).toEqual(['batch', 4]);
    expect(() => broadcastShapes([3, 4], [5])).toThrow(/4 and 5/);
  });

  it('multiplies matrices over the last two axes, broadcasting the rest', () => {
    expect(matMulShape(['batch', 'points', 8], [8, 3])).toEqual(['batch', 'points', 3]);
    expect(matMulShape(['batch', 4, null, 16], ['batch', 4, 16, null])).toEqual(['batch', 4, null, null]);
    expect(() => matMulShape(['batch', 8], [7, 3])).toThrow(/8 and 7/);
  });

  it('reshape copies 0, infers -1 from sizes or from the one symbolic axis left over', () => {
    expect(reshapeShape(['batch', 5, 8], [0, -1])).toEqual(['batch', 40]);
    expect(reshapeShape(['batch', 4, 8], [-1, 32])).toEqual(['batch', 32]);
    expect(reshapeShape(['batch', 'points', 8], [0, -1])).toEqual(['batch', null]);
    expect(reshapeShape(['batch', 'points', 64], [0, 0, 4, 16])).toEqual(['batch', 'points', 4, 16]);
  });

  it('slices, pads and concatenates known sizes exactly and dynamic ones as unknown', () => {
    expect(sliceShape(['batch', 10, 4], 1, 2, -3)).toEqual(['batch', 5, 4]);
    expect(sliceShape(['batch', 10], -1, 8)).toEqual(['batch', 2]);
    expect(sliceShape(['batch', 'points'], 1, 0)).toEqual(['batch', 'points']);
    expect(sliceShape(['batch', 'points'], 1, 1)).toEqual(['batch', null]);
    expect(padShape(['batch', 6, 2], 1, 2, 1)).toEqual(['batch', 9, 2]);
    expect(
      concatShape(
        [
          ['batch', 3],
          ['batch', 5],
        ],
        -1,
      ),
    ).toEqual(['batch', 8]);
    expect(
      concatShape(
        [
          ['batch', 1, 64],
          ['batch', 'points', 64],
        ],
        1,
      ),
    ).toEqual(['batch', null, 64]);
  });
});
