/**
 * Starting a run from a trained model (fine-tuning, DeePMD-style "add a fitting net"): the encoder
 * and every head whose name matches are loaded; new tasks get fresh heads; heads of the source that
 * the new config does not train are kept in the model, frozen, so they can be re-enabled later and
 * checked for forgetting.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/index';
import type { ScalingParams } from '../data/dataset/scaling';
import { loadRunData } from '../data/load-run-data';
import { CrucibleError } from '../errors';
import type { ModelSpec, MultiTaskModel } from '../model/model';
import { headGroup } from '../model/model';
import type { Project } from '../project/project';
import type { LoadedData } from './run-training';
import { decodeCheckpointFile, readCheckpointFile, type CheckpointHeader } from './training-state';

export interface InitSource {
  /** What the user pointed at, for messages and provenance. */
  label: string;
  header: CheckpointHeader;
  params: Float32Array;
  /** The source run's own data, reloaded to measure forgetting on its tasks (absent for bare checkpoints). */
  data?: LoadedData;
  /** Why `data` is absent, when it could not be reloaded. */
  dataNote?: string;
}

/** Reads a run folder (its best checkpoint, and its data for the forgetting check) or a checkpoint file. */
export async function loadInitSource(path: string, opts: { project?: Project } = {}): Promise<InitSource> {
  if (!existsSync(path)) throw new CrucibleError('not-found', `${path} does not exist.`, { hint: 'Give a run folder or a checkpoint (.ckpt) to start from.' });
  const isRun = statSync(path).isDirectory();
  const checkpoint = isRun ? join(path, 'checkpoints', 'best.ckpt') : path;
  if (isRun && !existsSync(checkpoint)) {
    throw new CrucibleError('not-found', `${path} has no checkpoints/best.ckpt.`, { hint: 'Start from a run that finished at least one epoch.' });
  }
  const { header, blobs } = await readCheckpointFile(checkpoint);
  const source: InitSource = { label: path, header, params: blobs.params };
  if (isRun) {
    try {
      source.data = await loadRunData(await loadConfig(join(path, 'config.yaml')), opts);
    } catch (e) {
      source.dataNote = `the data of ${path} could not be reloaded (${e instanceof Error ? e.message : String(e)})`;
    }
  } else {
    source.dataNote = 'a bare checkpoint carries no data';
  }
  return source;
}

/** Checkpoint bytes held in memory (a model bundle's weights), which carry no data to check forgetting on. */
export function checkpointInitSource(bytes: Uint8Array, label: string, dataNote: string): InitSource {
  const { header, blobs } = decodeCheckpointFile(bytes, label);
  return { label, header, params: blobs.params, dataNote };
}

/** The new model's spec plus the source's heads the new config does not mention (kept, untrained). */
export function mergeSpecs(spec: ModelSpec, source: CheckpointHeader): { spec: ModelSpec; kept: string[] } {
  const names = new Set(spec.tasks.map((t) => t.name));
  const kept = source.modelSpec.tasks.filter((t) => !names.has(t.name));
  const e = spec.encoder;
  const s = source.modelSpec.encoder;
  // Dropout does not shape parameters; everything else of the attention block does.
  const shape = (x: typeof e.elements) => JSON.stringify(x ? { ...x, dropout: 0 } : null);
  const same =
    e.inputDim === s.inputDim &&
    e.depositDim === s.depositDim &&
    e.hiddenDims.join() === s.hiddenDims.join() &&
    Boolean(e.structure) === Boolean(s.structure) &&
    shape(e.elements) === shape(s.elements);
  if (!same) {
    throw new CrucibleError(
      'bad-config',
      `The encoder of ${source.modelSpec.encoder.inputDim}→[${s.hiddenDims}]→${s.depositDim} in the source model does not match this config's ${e.inputDim}→[${e.hiddenDims}]→${e.depositDim}.`,
      { hint: 'Use the same shared_block_dims (and deposit_dim) as the model you start from.' },
    );
  }
  // With LoRA on the encoder, the heads kept but not trained read the encoder without the new adapters: the one
  // they were trained with, so the fine-tune cannot change what they predict.
  const base = spec.lora && spec.lora.rank > 0 ? kept.map((t) => t.name) : [];
  return { spec: { ...spec, tasks: [...spec.tasks, ...kept], ...(base.length > 0 && { baseEncoderTasks: base }) }, kept: kept.map((t) => t.name) };
}

/**
 * Loads every parameter the source has into the model (shapes must agree: a mismatch names the
 * layer), leaving parameters the source lacks (new heads, LoRA adapters) as initialised, and
 * freezes the kept heads.
 */
export function loadInitWeights(model: MultiTaskModel, source: InitSource, kept: readonly string[]): { loaded: string[]; fresh: string[] } {
  const loaded = model.store.load({ specs: source.header.params, data: source.params }, { partial: true });
  const fresh = model.store.names().filter((n) => !loaded.includes(n));
  for (const task of kept) model.store.setFrozen((s) => s.group === headGroup(task));
  return { loaded, fresh };
}

/**
 * The scaling of a fine-tuning run: the source's descriptor scaling (the encoder was trained on it)
 * and the source's target scaling for tasks it already had; new tasks keep their freshly fitted one.
 */
export function inheritScaling(fitted: ScalingParams, source: CheckpointHeader, featureNames: readonly string[]): ScalingParams {
  const old = source.scaling;
  if (old.features.names.join('\u0000') !== featureNames.join('\u0000')) {
    throw new CrucibleError('bad-config', 'The source model was trained on different descriptors (another featurizer or other descriptor columns).', {
      hint: `Use the source's featurizer (${source.featurizer?.id ?? 'its descriptor columns'}) in this config.`,
    });
  }
  const oldTasks = new Map(old.tasks.map((t) => [t.name, t]));
  return {
    ...fitted,
    features: old.features,
    ...(old.structure && { structure: old.structure }),
    tasks: fitted.tasks.map((t) => oldTasks.get(t.name) ?? t),
  };
}
