import { describe, expect, it } from 'vitest';
import { weightCurves } from '../../../../src-main/engine/analysis/weight-curves';
import type { Logs } from '../../../../src-main/engine/train/callbacks/index';

describe('weight curves', () => {
  it('gathers each task’s logged weight per epoch, null where an epoch logged none', () => {
    const history: Logs[] = [{ gap_weight: 1, metal_weight: 1, loss: 3 }, { gap_weight: 0.8, metal_weight: 1.2 }, { loss: 1 }];
    expect(weightCurves(history, ['gap', 'metal'])).toEqual({ epochs: [1, 2, 3], weights: { gap: [1, 0.8, null], metal: [1, 1.2, null] } });
  });
});
