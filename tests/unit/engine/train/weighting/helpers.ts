/** Shared set-up for the weighting tests: a fresh store and raw losses as scalars. */
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf, type Scalar } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';

export const newStore = () => new ParamStore(new Rng(7));

export function rawLosses(values: Record<string, number>): Map<string, Scalar> {
  return new Map(Object.entries(values).map(([t, v]) => [t, tf.scalar(v)]));
}

export function disposeAll(losses: Map<string, Scalar>): void {
  tf.dispose([...losses.values()]);
}
