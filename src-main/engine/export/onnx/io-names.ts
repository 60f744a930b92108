/**
 * Names of an exported model's graph inputs and outputs: fixed names for the descriptors, one output
 * per task named after the task (made a valid identifier, unique), one steps input per sequence task.
 */
import type { TaskKind } from '../../data/dataset/types';
import type { ModelSpec } from '../../model/model';

export interface OnnxTaskIo {
  task: string;
  kind: TaskKind;
  /** Head type id. */
  head: string;
  /** The graph output holding this task's predictions. */
  output: string;
  /** Sequence tasks: the graph input holding each row's x-grid [batch, points] in physical units. */
  steps?: string;
}

export interface OnnxIo {
  /** Raw (unscaled) composition descriptors [batch, inputDim]. */
  descriptors: string;
  /** Models with a structure branch: raw structure descriptors [batch, d] and the 0/1 flag [batch, 1]. */
  structure?: { values: string; has: string };
  tasks: OnnxTaskIo[];
}

export const BATCH_DIM = 'batch';

/** The dynamic length of a sequence task's grid, shared by its steps input and its output. */
export function pointsDim(io: OnnxTaskIo): string {
  return `${io.output}_points`;
}

/** A valid identifier (letters, digits, underscores; not starting with a digit). */
export function sanitizeName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  return s === '' ? 'task' : /^[0-9]/.test(s) ? `t_${s}` : s;
}

export function onnxIo(spec: ModelSpec): OnnxIo {
  const taken = new Set<string>();
  const claim = (base: string): string => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const descriptors = claim('descriptors');
  const structure = spec.encoder.structure ? { values: claim('structure'), has: claim('has_structure') } : undefined;
  const tasks = spec.tasks.map((t): OnnxTaskIo => {
    const output = claim(sanitizeName(t.name));
    return { task: t.name, kind: t.kind, head: t.head, output, ...(t.kind === 'sequence' ? { steps: claim(`${output}_steps`) } : {}) };
  });
  return { descriptors, ...(structure ? { structure } : {}), tasks };
}
