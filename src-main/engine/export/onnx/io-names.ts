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
  /** Ensembles' calibrated tasks: the outputs of the members' spread and the interval's bounds [batch, 1]. */
  uncertainty?: { std: string; lo: string; hi: string };
}

export interface OnnxIo {
  /** Raw (unscaled) composition descriptors [rows, inputDim]. */
  descriptors: string;
  /** Models exported with their featurizer: element amounts [rows, elements], featurized in the graph. */
  composition?: string;
  /** Models with a structure branch: raw structure descriptors [batch, d] and the 0/1 flag [batch, 1]. */
  structure?: { values: string; has: string };
  /** Attention encoders: element tokens [batch, tokens, width] and their atomic fractions [batch, tokens] (data/featurize/element-tokens.ts). */
  elements?: { tokens: string; fractions: string };
  tasks: OnnxTaskIo[];
}

/** The dynamic token count (elements per formula, padded) of the element inputs. */
export const TOKENS_DIM = 'tokens';

export const BATCH_DIM = 'batch';
/** With a composition input, the batch is these two row counts together (descriptor rows first). */
export const DESCRIPTOR_ROWS = 'descriptor_rows';
export const COMPOSITION_ROWS = 'composition_rows';

/** The dynamic length of a sequence task's grid, shared by its steps input and its output. */
export function pointsDim(io: OnnxTaskIo): string {
  return `${io.output}_points`;
}

/** A valid identifier (letters, digits, underscores; not starting with a digit). */
export function sanitizeName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  return s === '' ? 'task' : /^[0-9]/.test(s) ? `t_${s}` : s;
}

/**
 * `composition`: whether the graph also reads element amounts (see export-model.ts); `intervals`: the tasks with
 * uncertainty outputs, `<output>_std`, `_lo` and `_hi`, claimed after every task's output so that those keep
 * their names whether or not the model is an ensemble.
 */
export function onnxIo(spec: ModelSpec, opts: { composition?: boolean; intervals?: readonly string[] } = {}): OnnxIo {
  const taken = new Set<string>();
  const claim = (base: string): string => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const descriptors = claim('descriptors');
  const composition = opts.composition ? claim('composition') : undefined;
  const structure = spec.encoder.structure ? { values: claim('structure'), has: claim('has_structure') } : undefined;
  const elements = spec.encoder.elements ? { tokens: claim('element_tokens'), fractions: claim('element_fractions') } : undefined;
  const tasks = spec.tasks.map((t): OnnxTaskIo => {
    const output = claim(sanitizeName(t.name));
    return { task: t.name, kind: t.kind, head: t.head, output, ...(t.kind === 'sequence' ? { steps: claim(`${output}_steps`) } : {}) };
  });
  for (const t of tasks) {
    if (opts.intervals?.includes(t.task)) t.uncertainty = { std: claim(`${t.output}_std`), lo: claim(`${t.output}_lo`), hi: claim(`${t.output}_hi`) };
  }
  return { descriptors, ...(composition ? { composition } : {}), ...(structure ? { structure } : {}), ...(elements ? { elements } : {}), tasks };
}
