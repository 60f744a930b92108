/**
 * Exports a trained MultiTaskModel as a self-contained ONNX model: raw descriptors (or, with the
 * featurizer's element table, element amounts featurized in the graph) in, predictions in physical units
 * out. Input standardisation (with NaN imputation) and output un-scaling are part of the graph, so a
 * consumer needs nothing but the descriptors in the recorded column order, or a formula's amounts.
 */
import { CrucibleError } from '../../errors';
import type { ScalingParams, Standardizer } from '../../data/dataset/scaling';
import type { ModelInputs, MultiTaskModel } from '../../model/model';
import type { Ops } from '../../model/ops/ops';
import { crucibleVersion } from '../../paths';
import { featurizeInGraph, type CompositionTable } from './composition-graph';
import { GraphBuilder } from './graph-builder';
import { elementInputs } from './element-inputs';
import { BATCH_DIM, COMPOSITION_ROWS, DESCRIPTOR_ROWS, onnxIo, pointsDim, TOKENS_DIM, type OnnxIo } from './io-names';
import { createOnnxOps, type Sym } from './onnx-ops';

export interface OnnxExportOptions {
  /** The scaling fitted for the training run that produced the model. */
  scaling: ScalingParams;
  /** The featurizer that computes the descriptors (a `Featurizer` fits). */
  featurizer: { id: string; tableSha256: string };
  /** Classification tasks' class labels in index order, recorded in the metadata. */
  classes?: Record<string, readonly string[]>;
  /** The featurizer's element table: the graph then also reads element amounts (input `composition`). */
  composition?: CompositionTable;
  /** Ensembles: per task, the conformal calibration that turns the members' spread into an interval (studies/ensemble/conformal.ts). */
  intervals?: Record<string, { q: number | null; epsilon: number }>;
}

/** `metadata_props` keys written by the exporter. */
export const METADATA_KEYS = {
  version: 'crucible.version',
  featurizer: 'crucible.featurizer',
  elementTable: 'crucible.element_table_sha256',
  /** JSON: { descriptors: { input, columns }, composition?: { input, elements }, structure?: { input, has, columns }, elements?: ElementInputs }. */
  inputs: 'crucible.inputs',
  /** JSON: [{ task, kind, head, output, width, steps?, classes? }]. */
  tasks: 'crucible.tasks',
} as const;

const DOC = [
  'Crucible multi-task model.',
  'Inputs are raw descriptors in the column order of metadata "crucible.inputs" (NaN = missing, imputed with the training mean);',
  'models with a "composition" input also take element amounts (columns: the elements listed there), featurized in the graph;',
  'the model predicts the rows of "descriptors" followed by those of "composition", so give the one not used zero rows;',
  'models with a structure branch also read raw structure descriptors and has_structure (1 or 0 per row),',
  'and each sequence task reads its rows\' x-grids from the input named in metadata "crucible.tasks".',
  'Attention models also read each formula as element tokens: a row of the element table named in "crucible.inputs" per element, and its atomic fraction (padding: zeros).',
  'Regression and sequence outputs are in the units of the training data; classification outputs are class probabilities [batch, classes].',
  "Ensembles average their members (probabilities for classification); a task with an interval also has outputs <output>_std (the members' spread), <output>_lo and <output>_hi.",
].join(' ');

function mismatch(message: string): CrucibleError {
  return new CrucibleError('bad-input', message, { hint: 'Export with the scaling saved by the training run that produced this model.' });
}

/** (x − mean) / std per column with NaN → 0, i.e. missing values imputed by the training mean. */
function standardizeInput(graph: GraphBuilder, ops: Ops<Sym>, x: Sym, scaler: Standardizer): Sym {
  const width = scaler.mean.length;
  const z = ops.div(ops.sub(x, ops.constant(Float32Array.from(scaler.mean), [width])), ops.constant(Float32Array.from(scaler.std), [width]));
  const missing = graph.node('IsNaN', [z.name]);
  return { name: graph.node('Where', [missing, ops.scalar(0).name, z.name]), shape: z.shape };
}

/** Checks `scaling` against the model and returns each regression and sequence task's target scaler. */
function targetScalers(model: MultiTaskModel, scaling: ScalingParams): Map<string, Standardizer> {
  const { encoder } = model.spec;
  if (scaling.features.mean.length !== encoder.inputDim) {
    throw mismatch(`The scaling describes ${scaling.features.mean.length} descriptors but the model reads ${encoder.inputDim}.`);
  }
  if (encoder.structure && scaling.structure?.mean.length !== encoder.structure.inputDim) {
    throw mismatch(
      `The model reads ${encoder.structure.inputDim} structure descriptors but the scaling describes ${scaling.structure?.mean.length ?? 'none'}.`,
    );
  }
  const scalers = new Map<string, Standardizer>();
  for (const task of model.spec.tasks) {
    if (task.kind === 'classification') continue;
    const targets = scaling.tasks.find((t) => t.name === task.name)?.targets;
    if (!targets) throw mismatch(`The scaling has no target scaling for task "${task.name}".`);
    const expected = task.kind === 'sequence' ? 1 : task.data.width;
    if (targets.mean.length !== expected) {
      throw mismatch(`Task "${task.name}" has ${targets.mean.length} target scaling entries where ${expected} were expected.`);
    }
    scalers.set(task.name, targets);
  }
  return scalers;
}

function metadata(model: MultiTaskModel, io: OnnxIo, opts: OnnxExportOptions): Record<string, string> {
  const { scaling } = opts;
  const inputs = {
    descriptors: { input: io.descriptors, columns: scaling.features.names },
    ...(io.composition && opts.composition ? { composition: { input: io.composition, elements: opts.composition.elements } } : {}),
    ...(io.structure && scaling.structure ? { structure: { input: io.structure.values, has: io.structure.has, columns: scaling.structure.names } } : {}),
    ...(io.elements ? { elements: elementInputs(model.spec, io) } : {}),
  };
  const tasks = io.tasks.map((t) => {
    const classes = opts.classes?.[t.task];
    const width = model.spec.tasks.find((s) => s.name === t.task)!.data.width;
    return { ...t, width, ...(classes ? { classes } : {}) };
  });
  return {
    [METADATA_KEYS.version]: crucibleVersion(),
    [METADATA_KEYS.featurizer]: opts.featurizer.id,
    [METADATA_KEYS.elementTable]: opts.featurizer.tableSha256,
    [METADATA_KEYS.inputs]: JSON.stringify(inputs),
    [METADATA_KEYS.tasks]: JSON.stringify(tasks),
  };
}

/**
 * The ModelProto bytes (opset 17, IR 8) of `model` with scaling in the graph; see {@link onnxIo} for the names.
 * Several models (an ensemble's members, trained with the same scaling on the same tasks) become one graph that
 * reads the inputs once and outputs the members' mean, plus the intervals `opts.intervals` calibrates.
 */
export function exportModelToOnnx(modelOrMembers: MultiTaskModel | readonly MultiTaskModel[], opts: OnnxExportOptions): Uint8Array {
  const members: readonly MultiTaskModel[] = Array.isArray(modelOrMembers) ? modelOrMembers : [modelOrMembers as MultiTaskModel];
  const model = members[0];
  const { scaling } = opts;
  const targets = targetScalers(model, scaling);
  const table = opts.composition;
  if (table && table.featureNames.join('\n') !== scaling.features.names.join('\n')) {
    throw mismatch(`The model reads other descriptors than the "${table.featurizer}" featurizer computes, so it cannot featurize formulas in the graph.`);
  }
  const intervals = opts.intervals ?? {};
  const ioOptions = { composition: table !== undefined, intervals: Object.keys(intervals) };
  const io = onnxIo(model.spec, ioOptions);
  if (members.some((m) => JSON.stringify(onnxIo(m.spec, ioOptions)) !== JSON.stringify(io) || m.spec.encoder.inputDim !== model.spec.encoder.inputDim)) {
    throw mismatch("The ensemble's members differ in their inputs or tasks; export members trained from one configuration.");
  }
  const graph = new GraphBuilder();
  // Input and output names are the user's task names: one called "add" must not go to an Add node's output.
  const names = [
    io.descriptors,
    ...(io.composition ? [io.composition] : []),
    ...(io.structure ? [io.structure.values, io.structure.has] : []),
    ...io.tasks.flatMap((t) => [t.output, ...(t.steps ? [t.steps] : []), ...(t.uncertainty ? Object.values(t.uncertainty) : [])]),
  ];
  for (const name of names) graph.reserve(name);
  const ops = createOnnxOps(graph, model.store);
  const input = (name: string, shape: Sym['shape']): Sym => ({ name: graph.input(name, shape), shape });
  const constant = (values: number[]) => ops.constant(Float32Array.from(values), [values.length]);

  const width = model.spec.encoder.inputDim;
  let x = input(io.descriptors, [table ? DESCRIPTOR_ROWS : BATCH_DIM, width]);
  if (table && io.composition) {
    const amounts = input(io.composition, [COMPOSITION_ROWS, table.elements.length]);
    // The batch is the descriptor rows, then the composition rows: every other input and output has that many.
    x = { name: ops.concat([x, featurizeInGraph(graph, ops, amounts, table)], 0).name, shape: [BATCH_DIM, width] };
  }
  const inputs: ModelInputs<Sym> = { x: standardizeInput(graph, ops, x, scaling.features) };
  if (io.structure && model.spec.encoder.structure && scaling.structure) {
    const values = input(io.structure.values, [BATCH_DIM, model.spec.encoder.structure.inputDim]);
    const has = input(io.structure.has, [BATCH_DIM, 1]);
    // Rows without a structure are zeros after scaling, as in training (applyScaling).
    inputs.structure = { values: ops.mul(standardizeInput(graph, ops, values, scaling.structure), has), has };
  }
  inputs.steps = Object.fromEntries(io.tasks.filter((t) => t.steps).map((t) => [t.task, input(t.steps!, [BATCH_DIM, pointsDim(t)])]));
  const elements = model.spec.encoder.elements;
  if (io.elements && elements) {
    if (table) throw mismatch('A model that reads element tokens cannot also featurize element amounts in the graph; export it without the composition input.');
    inputs.composition = {
      tokens: input(io.elements.tokens, [BATCH_DIM, TOKENS_DIM, elements.tokenDim]),
      fractions: input(io.elements.fractions, [BATCH_DIM, TOKENS_DIM]),
    };
  }

  // Each member's parameters become initializers of their own (fresh names), its nodes read the shared inputs.
  const outputs = members.map((m) => m.forward(m === model ? ops : createOnnxOps(graph, m.store), inputs));
  const meanOf = (ys: Sym[]) =>
    ys.length === 1
      ? ys[0]
      : ops.mul(
          ys.slice(1).reduce((a, b) => ops.add(a, b), ys[0]),
          ops.scalar(1 / ys.length),
        );
  for (const t of io.tasks) {
    const scaler = targets.get(t.task);
    const bounds = model.spec.tasks.find((s) => s.name === t.task)?.bounds;
    const physical = (v: number[]) => constant(v.map((x, i) => x * scaler!.std[i % scaler!.std.length] + scaler!.mean[i % scaler!.mean.length]));
    // The model keeps bounded outputs inside in scaled units; clipping after the unscaling also absorbs its float rounding.
    const clip = (y: Sym) => {
      let out = y;
      if (bounds?.lower) out = ops.add(physical(bounds.lower), ops.activation(ops.sub(out, physical(bounds.lower)), 'relu'));
      if (bounds?.upper) out = ops.sub(physical(bounds.upper), ops.activation(ops.sub(physical(bounds.upper), out), 'relu'));
      return out;
    };
    const ys = outputs.map((o) => (scaler ? clip(ops.add(ops.mul(o[t.task], constant(scaler.std)), constant(scaler.mean))) : ops.softmax(o[t.task])));
    const mean = meanOf(ys);
    graph.output(t.output, mean.name, mean.shape);
    const calibration = intervals[t.task];
    if (!t.uncertainty || !calibration) continue;
    const variance = meanOf(ys.map((y) => ops.square(ops.sub(y, mean))));
    const std: Sym = { name: graph.node('Sqrt', [variance.name]), shape: variance.shape };
    const half = ops.mul(ops.add(std, ops.scalar(calibration.epsilon)), ops.scalar(calibration.q ?? Infinity));
    // Clipped to the task's bounds, as the predictions themselves are.
    const lo = clip(ops.sub(mean, half));
    const hi = clip(ops.add(mean, half));
    graph.output(t.uncertainty.std, std.name, std.shape);
    graph.output(t.uncertainty.lo, lo.name, lo.shape);
    graph.output(t.uncertainty.hi, hi.name, hi.shape);
  }
  return graph.serialize({ producerVersion: crucibleVersion(), docString: DOC, metadata: metadata(model, io, opts) });
}
