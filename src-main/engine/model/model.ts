/**
 * The multi-task network: one encoder, one head per task. Built from a plain, JSON-serialisable
 * `ModelSpec` (saved in checkpoints and bundles) so a model can be rebuilt anywhere and its
 * parameters loaded by name.
 */
import { CrucibleError } from '../errors';
import type { TaskKind } from '../data/dataset/types';
import { Rng } from '../util/random';
import { Encoder, type EncoderInputs, type EncoderOptions } from './encoder';
import type { HeadDataInfo, HeadInstance } from './heads/head';
import { headType, headTypes } from './heads/index';
import type { Ops } from './ops/ops';
import { ParamStore } from './params';

export interface ModelTaskSpec {
  name: string;
  kind: TaskKind;
  /** Head type id from the registry. */
  head: string;
  /** The head's options, already validated (defaults filled in). */
  headOptions: Record<string, unknown>;
  data: HeadDataInfo;
  /** LoRA adapters on this head's dense layers (trained with the head). */
  lora?: { rank: number; alpha: number };
  /**
   * The range the outputs are kept inside, in the network's scaled units (one entry per output, or one for all):
   * the head's raw output z becomes lower + softplus(z − lower), upper − softplus(upper − z), or with both a
   * sigmoid between them, so every prediction lies inside by construction and near the identity away from a bound.
   */
  bounds?: { lower: number[] | null; upper: number[] | null };
}

export interface ModelSpec {
  encoder: EncoderOptions;
  tasks: ModelTaskSpec[];
  /** LoRA adapters on every dense layer of the encoder (0 = off). */
  lora?: { rank: number; alpha: number };
  /**
   * Tasks that read their own copy of the encoder (parameters `encoder@<task>.…`) instead of the shared
   * one: a run keeps each task's best epoch, and a task whose best epoch is not the shared encoder's
   * gets the encoder of its own best epoch (train/task-checkpoints.ts). Absent or empty: every head
   * reads the shared encoder.
   */
  ownEncoders?: string[];
  /**
   * Tasks whose heads read the encoder without its LoRA adapters: the heads a LoRA fine-tune keeps but does not
   * train, so they see exactly the encoder they were trained with and keep their predictions by construction.
   */
  baseEncoderTasks?: string[];
}

export interface ModelInputs<T> extends EncoderInputs<T> {
  /** Sequence tasks' steps [B, L], by task name. */
  steps?: Record<string, T>;
}

export const headGroup = (task: string) => `head:${task}`;
/** Parameters of the shared encoder start with this. */
export const ENCODER_PREFIX = 'encoder.';
/** Name (and parameter group) of a task's own encoder copy. */
export const ownEncoderName = (task: string) => `encoder@${task}`;
export const LORA_GROUP = 'lora';

/** The bounded output of `raw` (see ModelTaskSpec.bounds). */
function bounded<T>(ops: Ops<T>, raw: T, { lower, upper }: NonNullable<ModelTaskSpec['bounds']>): T {
  const c = (v: number[]) => ops.constant(Float32Array.from(v), [v.length]);
  if (lower && upper) {
    // Slope 1 at the middle of the range, as the one-sided forms have far from their bound.
    const width = upper.map((u, i) => u - lower[i]);
    const middle = upper.map((u, i) => (u + lower[i]) / 2);
    return ops.add(c(lower), ops.mul(c(width), ops.activation(ops.mul(ops.sub(raw, c(middle)), c(width.map((w) => 4 / w))), 'sigmoid')));
  }
  if (lower) return ops.add(c(lower), ops.activation(ops.sub(raw, c(lower)), 'softplus'));
  if (upper) return ops.sub(c(upper), ops.activation(ops.sub(c(upper), raw), 'softplus'));
  return raw;
}

/** `ops` with every dense layer's LoRA adapters left out (the same Ops in tfjs and in the ONNX graph). */
function withoutLora<T>(ops: Ops<T>): Ops<T> {
  const base = Object.create(ops) as Ops<T>;
  base.dense = (x, params) => ops.dense(x, { ...params, lora: undefined });
  return base;
}

export class MultiTaskModel {
  readonly store: ParamStore;
  readonly encoder: Encoder;
  readonly heads = new Map<string, HeadInstance>();
  /** The encoder copies of tasks listed in `spec.ownEncoders`, by task. */
  readonly ownEncoders = new Map<string, Encoder>();
  private readonly specs: Map<string, ModelTaskSpec>;

  constructor(
    readonly spec: ModelSpec,
    seed: number,
  ) {
    this.store = new ParamStore(new Rng(seed));
    this.specs = new Map(spec.tasks.map((t) => [t.name, t]));
    this.encoder = new Encoder(this.store, spec.encoder);
    for (const task of spec.tasks) {
      const type = headType(task.head);
      if (!type) {
        throw new CrucibleError('bad-config', `Task "${task.name}" asks for head type "${task.head}", which does not exist.`, {
          hint: `Known head types: ${Object.keys(headTypes).join(', ')}.`,
        });
      }
      if (type.kind !== task.kind) {
        throw new CrucibleError('bad-config', `Task "${task.name}" is ${task.kind} but head "${task.head}" is for ${type.kind} tasks.`);
      }
      const options = type.options.parse(task.headOptions);
      this.heads.set(
        task.name,
        type.build(
          { store: this.store, prefix: `head.${task.name}`, group: headGroup(task.name), inputDim: spec.encoder.depositDim, data: task.data },
          options,
        ),
      );
    }
    // Copies come after the heads so that the heads' initial values do not depend on them.
    for (const task of spec.ownEncoders ?? []) {
      if (!this.heads.has(task)) throw new CrucibleError('bad-input', `The model lists an encoder of task "${task}", which it does not have.`);
      this.ownEncoders.set(task, new Encoder(this.store, spec.encoder, ownEncoderName(task), ownEncoderName(task)));
    }
    if (spec.lora && spec.lora.rank > 0) {
      for (const prefix of [ENCODER_PREFIX, ...[...this.ownEncoders.values()].map((e) => `${e.name}.`)]) {
        this.store.addLora(prefix, spec.lora.rank, spec.lora.alpha, LORA_GROUP);
      }
    }
    for (const task of spec.tasks) {
      if (task.lora && task.lora.rank > 0) this.store.addLora(`head.${task.name}.`, task.lora.rank, task.lora.alpha, headGroup(task.name));
    }
  }

  /** Encoder outputs (each encoder that a requested task reads, once) then every requested head's output ([B, width] each), by task name. */
  forward<T>(ops: Ops<T>, inputs: ModelInputs<T>, tasks: Iterable<string> = this.heads.keys()): Record<string, T> {
    const encoded = new Map<string, T>();
    const base = new Set(this.spec.baseEncoderTasks ?? []);
    let baseOps: Ops<T> | undefined;
    const out: Record<string, T> = {};
    for (const name of tasks) {
      const encoder = this.ownEncoders.get(name) ?? this.encoder;
      const unadapted = base.has(name);
      const key = `${encoder.name}${unadapted ? '|base' : ''}`;
      let h = encoded.get(key);
      if (h === undefined) encoded.set(key, (h = encoder.apply(unadapted ? (baseOps ??= withoutLora(ops)) : ops, inputs)));
      const raw = this.heads.get(name)!.forward(ops, h, inputs.steps?.[name]);
      const bounds = this.specs.get(name)?.bounds;
      out[name] = bounds ? bounded(ops, raw, bounds) : raw;
    }
    return out;
  }

  dispose(): void {
    this.store.dispose();
  }
}
