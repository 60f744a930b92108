/**
 * What a task head is. A head type is one file exporting a `HeadType` and one line in index.ts.
 * Its forward pass is written over `Ops`, so the same code trains (TensorFlow.js) and exports (ONNX).
 */
import type { z } from 'zod';
import type { TaskKind } from '../../data/dataset/types';
import type { Ops } from '../ops/ops';
import type { ParamStore } from '../params';

/** Facts about the task's data that shape the head, measured on the training split. */
export interface HeadDataInfo {
  /** Output width: regression dims, number of classes, or the (padded) sequence length. */
  width: number;
  /**
   * Sequences: the training steps' range and quantiles (`quantiles[i]` at q = i/(quantiles.length−1)),
   * for normalising x and placing kernels. Plain numbers: it is saved with the model.
   */
  steps?: { min: number; max: number; quantiles: number[] };
}

export interface HeadBuildContext {
  store: ParamStore;
  /** Parameter-name prefix, e.g. `head.band_gap`. */
  prefix: string;
  /** Optimiser group of the head's parameters, e.g. `head:band_gap`. */
  group: string;
  /** Width of the encoder's deposit output. */
  inputDim: number;
  data: HeadDataInfo;
}

export interface HeadInstance {
  /**
   * Maps the deposit output h [B, D] (and for sequences the steps [B, L]) to [B, width]:
   * regression values and sequence values in scaled units, classification logits.
   */
  forward<T>(ops: Ops<T>, h: T, steps?: T): T;
}

export interface HeadType<O extends object = object> {
  /** Registry id, used as `subtype` in configs: 'regression', 'rnn', 'kernel_regression', … */
  id: string;
  kind: TaskKind;
  label: string;
  /** The head's own hyper-parameters with their defaults (config keys in snake_case). */
  options: z.ZodType<O, unknown>;
  build(ctx: HeadBuildContext, options: O): HeadInstance;
}

/** Helper for registries: keeps each head's option type while storing them side by side. */
export function defineHead<O extends object>(head: HeadType<O>): HeadType<O> {
  return head;
}
