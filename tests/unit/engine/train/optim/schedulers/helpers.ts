/** Runs a scheduler over a sequence of epochs and collects the learning rate of each epoch. */
import { VAL_TASK_LOSS } from '../../../../../../src-main/engine/train/metrics';
import type { LrScheduler } from '../../../../../../src-main/engine/train/optim/schedulers/scheduler';

/** The rate used in each of `epochs` epochs; `monitor` gives epoch e's logs value (for plateau). */
export function lrSequence(s: LrScheduler, epochs: number, monitor: (epoch: number) => number = () => 0, key = VAL_TASK_LOSS): number[] {
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    out.push(s.lr());
    s.step({ [key]: monitor(e), loss: 1 });
  }
  return out;
}
