/**
 * The multi-task network: one encoder, one head per task. Built from a plain, JSON-serialisable
 * `ModelSpec` (saved in checkpoints and bundles) so a model can be rebuilt anywhere and its
 * parameters loaded by name.
 */
import { CrucibleError } from '../errors';
import type { TaskKind } from '../data/dataset/types';
import { Rng } from '../util/random';
import { Encoder, type EncoderOptions } from './encoder';
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
}

export interface ModelSpec {
  encoder: EncoderOptions;
  tasks: ModelTaskSpec[];
  /** LoRA adapters on every dense layer of the encoder (0 = off). */
  lora?: { rank: number; alpha: number };
}

export interface ModelInputs<T> {
  x: T;
  structure?: { values: T; has: T };
  /** Sequence tasks' steps [B, L], by task name. */
  steps?: Record<string, T>;
}

export const headGroup = (task: string) => `head:${task}`;
export const LORA_GROUP = 'lora';

export class MultiTaskModel {
  readonly store: ParamStore;
  readonly encoder: Encoder;
  readonly heads = new Map<string, HeadInstance>();

  constructor(
    readonly spec: ModelSpec,
    seed: number,
  ) {
    this.store = new ParamStore(new Rng(seed));
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
    if (spec.lora && spec.lora.rank > 0) this.store.addLora('encoder.', spec.lora.rank, spec.lora.alpha, LORA_GROUP);
    for (const task of spec.tasks) {
      if (task.lora && task.lora.rank > 0) this.store.addLora(`head.${task.name}.`, task.lora.rank, task.lora.alpha, headGroup(task.name));
    }
  }

  /** Encoder output then every requested head's output ([B, width] each), by task name. */
  forward<T>(ops: Ops<T>, inputs: ModelInputs<T>, tasks: Iterable<string> = this.heads.keys()): Record<string, T> {
    const h = this.encoder.apply(ops, inputs.x, inputs.structure);
    const out: Record<string, T> = {};
    for (const name of tasks) out[name] = this.heads.get(name)!.forward(ops, h, inputs.steps?.[name]);
    return out;
  }

  dispose(): void {
    this.store.dispose();
  }
}
