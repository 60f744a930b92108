/**
 * Saving and restoring a whole training session through one checkpoint file: the model (spec,
 * scaling, parameters) and, for resuming, the optimiser, schedulers, callbacks and history.
 */
import type { ScalingParams } from '../data/dataset/scaling';
import { CrucibleError } from '../errors';
import type { ModelSpec } from '../model/model';
import type { MultiTaskModel } from '../model/model';
import type { ParamSpec } from '../model/params';
import type { CallbackState, Logs, TrainingCallback } from './callbacks/index';
import { decodeCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint-file';
import type { Optimizer, OptimizerState } from './optim/optimizer';
import type { LrScheduler } from './optim/schedulers/scheduler';

export const CHECKPOINT_FORMAT = 1;

/** What a checkpoint says about the model: enough to rebuild it and use it without the run. */
export interface ModelHeader {
  formatVersion: number;
  modelSpec: ModelSpec;
  scaling: ScalingParams;
  params: ParamSpec[];
  /** Descriptor column names, in input order. */
  featureNames: string[];
  /** Classification tasks: the label of each class index. */
  classes: Record<string, string[]>;
  featurizer: { id: string; tableSha256: string } | null;
  /** The finished epoch this checkpoint holds (from 0). */
  epoch: number;
}

export interface ResumeHeader {
  lrs: Record<string, number>;
  slots: Array<{ name: string; step: number; size: number }>;
  schedulers: Record<string, Record<string, number | null>>;
  callbacks: Array<CallbackState | null>;
  history: Logs[];
}

export interface CheckpointHeader extends ModelHeader {
  /** Present in 'last' checkpoints: the state a resumed run continues from. */
  resume?: ResumeHeader;
}

/** The live pieces whose state a resumable ('last') checkpoint carries besides the model. */
export interface SessionParts {
  optimizer: Optimizer;
  schedulers: ReadonlyMap<string, LrScheduler>;
  callbacks: readonly TrainingCallback[];
  history: Logs[];
}

export async function saveCheckpoint(
  path: string,
  header: Omit<ModelHeader, 'params' | 'formatVersion'>,
  model: MultiTaskModel,
  session?: SessionParts,
): Promise<void> {
  const snapshot = model.store.snapshot();
  const blobs: Record<string, Float32Array> = { params: snapshot.data };
  const full: CheckpointHeader = { ...header, formatVersion: CHECKPOINT_FORMAT, params: snapshot.specs };
  if (session) {
    const state = session.optimizer.exportState();
    const slots = Object.entries(state.slots);
    const size = slots.reduce((a, [, s]) => a + s.m.length, 0);
    const m = new Float32Array(size);
    const v = new Float32Array(size);
    let offset = 0;
    for (const [, s] of slots) {
      m.set(s.m, offset);
      v.set(s.v, offset);
      offset += s.m.length;
    }
    blobs.adam_m = m;
    blobs.adam_v = v;
    full.resume = {
      lrs: state.lrs,
      slots: slots.map(([name, s]) => ({ name, step: s.step, size: s.m.length })),
      schedulers: Object.fromEntries([...session.schedulers].map(([id, s]) => [id, s.state()])),
      callbacks: session.callbacks.map((c) => c.state?.() ?? null),
      history: session.history,
    };
  }
  await writeCheckpoint(path, { header: full, blobs });
}

type CheckpointFile = { header: CheckpointHeader; blobs: Record<string, Float32Array> };

function checkFormat(contents: CheckpointFile, source: string): CheckpointFile {
  if (contents.header.formatVersion !== CHECKPOINT_FORMAT) {
    throw new CrucibleError(
      'unsupported-version',
      `${source} has checkpoint format ${contents.header.formatVersion}; this Crucible reads format ${CHECKPOINT_FORMAT}.`,
    );
  }
  return contents;
}

export async function readCheckpointFile(path: string): Promise<CheckpointFile> {
  return checkFormat(await readCheckpoint<CheckpointHeader>(path), path);
}

/** A checkpoint held in memory (a model bundle's weights member); `source` names it in messages. */
export function decodeCheckpointFile(bytes: Uint8Array, source: string): CheckpointFile {
  return checkFormat(decodeCheckpoint<CheckpointHeader>(bytes, source), source);
}

/** Loads parameters (and, when the checkpoint has them, optimiser, scheduler and callback states). */
export function restoreSession(
  contents: { header: CheckpointHeader; blobs: Record<string, Float32Array> },
  model: MultiTaskModel,
  parts?: Omit<SessionParts, 'history'>,
): Logs[] {
  const { header, blobs } = contents;
  model.store.load({ specs: header.params, data: blobs.params });
  const resume = header.resume;
  if (!resume || !parts) return [];
  const state: OptimizerState = { lrs: resume.lrs, slots: {} };
  let offset = 0;
  for (const slot of resume.slots) {
    state.slots[slot.name] = { step: slot.step, m: blobs.adam_m.slice(offset, offset + slot.size), v: blobs.adam_v.slice(offset, offset + slot.size) };
    offset += slot.size;
  }
  parts.optimizer.loadState(state);
  for (const [id, s] of Object.entries(resume.schedulers)) parts.schedulers.get(id)?.loadState(s);
  parts.callbacks.forEach((c, i) => {
    const saved = resume.callbacks[i];
    if (saved && c.loadState) c.loadState(saved);
  });
  return resume.history;
}
