/**
 * Each task's best epoch, kept. Tasks learn at different speeds on a shared encoder: one peaks at
 * epoch 12 while another still improves at epoch 150, so any single "best epoch" short-changes some
 * of them. During training one checkpoint per task follows that task's own validation metric; at the
 * end the final model takes the epoch most tasks peaked at for the shared encoder and their heads, and
 * gives every other task its own best state — its head and a copy of the encoder as it was at that
 * epoch (`ModelSpec.ownEncoders`). Heads never meet an encoder they were not trained with, and the
 * result is still one model, exported and predicted as one graph.
 */
import type { TaskKind } from '../data/dataset/types';
import { CrucibleError } from '../errors';
import { ENCODER_PREFIX, MultiTaskModel, ownEncoderName } from '../model/model';
import type { ParamSnapshot } from '../model/params';
import { Checkpoint, type Logs } from './callbacks/index';
import { taskMonitor } from './stopping';
import { readCheckpointFile } from './training-state';

export interface TaskBest {
  task: string;
  /** Epoch of the best value (from 0), −1 when the monitor never had a finite value. */
  epoch: number;
}

/** One 'best' checkpoint per task, each following {@link taskMonitor}. Put them where the best checkpoint goes in the callback list. */
export class TaskCheckpoints {
  readonly callbacks: Checkpoint[];

  /** `save(task, epoch)` writes the whole model as of `epoch` to that task's file. */
  constructor(
    readonly tasks: readonly { name: string; kind: TaskKind }[],
    save: (task: string, epoch: number, logs: Logs) => Promise<void>,
  ) {
    this.callbacks = tasks.map(
      (t) => new Checkpoint({ monitor: taskMonitor(t), mode: 'auto', saveLast: false, save: (_kind, epoch, logs) => save(t.name, epoch, logs) }),
    );
  }

  best(): TaskBest[] {
    return this.tasks.map((t, i) => ({ task: t.name, epoch: this.callbacks[i].bestEpoch }));
  }
}

/** The epoch most tasks peaked at (the latest of equally common ones): the shared encoder's. */
export function sharedEpoch(best: readonly TaskBest[]): number {
  const counts = new Map<number, number>();
  for (const b of best) if (b.epoch >= 0) counts.set(b.epoch, (counts.get(b.epoch) ?? 0) + 1);
  let chosen = -1;
  for (const [epoch, n] of counts) if (chosen < 0 || n > counts.get(chosen)! || (n === counts.get(chosen)! && epoch > chosen)) chosen = epoch;
  return chosen;
}

/** The parameters of `task`'s head and the encoder of `snapshot`, renamed to that task's encoder copy. */
function ownState(snapshot: ParamSnapshot, task: string): { snapshot: ParamSnapshot; names: Set<string> } {
  const head = `head.${task}.`;
  const copy = `${ownEncoderName(task)}.`;
  const specs = snapshot.specs.map((s) => (s.name.startsWith(ENCODER_PREFIX) ? { ...s, name: copy + s.name.slice(ENCODER_PREFIX.length) } : s));
  const names = new Set(specs.filter((s) => s.name.startsWith(copy) || s.name.startsWith(head)).map((s) => s.name));
  return { snapshot: { specs, data: snapshot.data }, names };
}

export interface AssembledModel {
  model: MultiTaskModel;
  /** The shared encoder's epoch (from 0). */
  epoch: number;
  /** Each task's epoch (from 0). */
  epochs: Record<string, number>;
}

/**
 * The final model of a run with per-task checkpoints: `files` maps each task to its checkpoint file.
 * Tasks whose monitor never had a value read the shared encoder with their head from the shared epoch.
 */
export async function assembleTaskBest(
  source: MultiTaskModel,
  best: readonly TaskBest[],
  files: ReadonlyMap<string, string>,
  seed: number,
): Promise<AssembledModel> {
  const epoch = sharedEpoch(best);
  if (epoch < 0) throw new CrucibleError('internal', 'No task has a best epoch to restore.');
  const shared = best.find((b) => b.epoch === epoch)!;
  const own = best.filter((b) => b.epoch >= 0 && b.epoch !== epoch).map((b) => b.task);
  const model = new MultiTaskModel({ ...source.spec, ...(own.length ? { ownEncoders: own } : {}) }, seed);
  try {
    const read = async (task: string): Promise<ParamSnapshot> => {
      const { header, blobs } = await readCheckpointFile(files.get(task)!);
      return { specs: header.params, data: blobs.params };
    };
    model.store.load(await read(shared.task), { partial: true });
    for (const task of own) {
      const { snapshot, names } = ownState(await read(task), task);
      model.store.load(snapshot, { partial: true, only: (n) => names.has(n) });
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, epoch, epochs: Object.fromEntries(best.map((b) => [b.task, b.epoch < 0 ? epoch : b.epoch])) };
}
