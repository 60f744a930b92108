/**
 * The element-statistics featurizer inside the ONNX graph: element amounts [rows, E] in, the descriptors
 * of ElementStatsFeaturizer [rows, 6 + 5·P] out, in its feature order, from the element table with its
 * median imputation baked in as an initializer. A bundle then predicts from formulas without Crucible:
 * parsing a formula into amounts is all a caller does.
 */
import { STAT_NAMES, STOICH_NAMES } from '../../data/featurize/element-stats-featurizer';
import { loadElementTable } from '../../data/featurize/element-table';
import type { Featurizer } from '../../data/featurize/featurizer';
import { imputeMedians } from '../../data/featurize/impute';
import { ELEMENT_SYMBOLS, MAX_ATOMIC_NUMBER } from '../../data/formula/periodic-table';
import type { Ops } from '../../model/ops/ops';
import type { Attr, GraphBuilder } from './graph-builder';
import type { Sym } from './onnx-ops';
import type { Shape } from './shapes';

/** The element table as the graph holds it. */
export interface CompositionTable {
  /** The featurizer whose descriptors the graph computes. */
  featurizer: string;
  /** Its feature names: what the graph's output columns are. */
  featureNames: readonly string[];
  /** Symbols of the input's columns: the table's elements in atomic-number order. */
  elements: string[];
  properties: number;
  /** elements.length × properties imputed values, row-major. */
  values: Float32Array;
}

export function compositionTable(featurizer: Featurizer): CompositionTable {
  const table = loadElementTable(featurizer.tableFile);
  const { values } = imputeMedians(table);
  const width = table.propertyNames.length;
  const elements: string[] = [];
  const rows: number[] = [];
  for (let z = 1; z <= MAX_ATOMIC_NUMBER; z++) {
    if (!table.present[z]) continue;
    elements.push(ELEMENT_SYMBOLS[z]);
    rows.push(z);
  }
  const out = new Float32Array(rows.length * width);
  rows.forEach((z, i) => out.set(values.subarray(z * width, (z + 1) * width), i * width));
  return { featurizer: featurizer.id, featureNames: featurizer.featureNames, elements, properties: width, values: out };
}

const FLOAT = 1;
const INT64 = 7;

/** The rows of `amounts` [rows, E] (any scale: each row is divided by its sum) as the featurizer's descriptors. */
export function featurizeInGraph(graph: GraphBuilder, ops: Ops<Sym>, amounts: Sym, table: CompositionTable): Sym {
  const rows = amounts.shape[0];
  const p = table.properties;
  const node = (op: string, inputs: Sym[], shape: Shape, attrs: Record<string, Attr> = {}): Sym => ({
    name: graph.node(
      op,
      inputs.map((s) => s.name),
      attrs,
    ),
    shape,
  });
  const reduce = (op: string, x: Sym, axis: number, shape: Shape) => node(op, [x], shape, { axes: { ints: [axis] }, keepdims: { i: 0 } });
  const zero = ops.scalar(0);

  // onnxruntime's TopK dies on zero rows (SIGFPE), which every call feeding descriptors instead sends: one
  // extra row (pure hydrogen, say) keeps every kernel on a non-empty batch and is cut off at the end.
  const oneElement = new Float32Array(table.elements.length);
  oneElement[0] = 1;
  const padded = ops.concat([amounts, ops.constant(oneElement, [1, table.elements.length])], 0);
  const f = ops.div(padded, ops.sum(padded, 1, true));
  const present = node('Cast', [node('Greater', [f, zero], f.shape)], f.shape, { to: { i: FLOAT } });
  const count = ops.sum(present, 1, true);
  const stoich = STOICH_NAMES.map((name) => {
    if (name === 'n_elements') return count;
    const power = Number(/^norm_(\d+)$/.exec(name)![1]);
    return node('Pow', [ops.sum(node('Pow', [f, ops.scalar(power)], f.shape), 1, true), ops.scalar(1 / power)], [rows, 1]);
  });

  // Min and max run over the elements present only: the top k fractions of each row, k the batch's largest element count.
  const k = node('Cast', [node('ReduceMax', [ops.reshape(count, [-1])], [1], { axes: { ints: [0] }, keepdims: { i: 1 } })], [1], { to: { i: INT64 } });
  const [topFractions, topColumns] = graph.nodeOutputs('TopK', [f.name, k.name], 2, { axis: { i: 1 }, largest: { i: 1 }, sorted: { i: 1 } });
  const weights = ops.expandDims({ name: topFractions, shape: [rows, null] }, 2);
  const elementTable = ops.constant(table.values, [table.elements.length, p]);
  const values = node('Gather', [elementTable, { name: topColumns, shape: [rows, null] }], [rows, null, p], { axis: { i: 0 } });
  const isPresent = node('Greater', [weights, zero], weights.shape);
  const masked = (fill: number) => node('Where', [isPresent, values, ops.scalar(fill)], values.shape);

  const mean = ops.matMul(f, elementTable);
  const deviation = node('Abs', [ops.sub(values, ops.expandDims(mean, 1))], values.shape);
  const min = reduce('ReduceMin', masked(Infinity), 1, [rows, p]);
  const max = reduce('ReduceMax', masked(-Infinity), 1, [rows, p]);
  const stats: Record<string, Sym | undefined> = {
    mean,
    mad: ops.sum(ops.mul(weights, deviation), 1, false),
    min,
    max,
    range: ops.sub(max, min),
  };
  // Per property the statistics side by side: [rows, P, 5] read row-major is the featurizer's order.
  const perProperty = ops.reshape(
    ops.concat(
      STAT_NAMES.map((s) => {
        const stat = stats[s];
        if (!stat) throw new Error(`The ONNX featurizer has no statistic "${s}"`);
        return ops.expandDims(stat, 2);
      }),
      2,
    ),
    // An explicit width: inferring -1 over zero rows divides by zero in onnxruntime (and kills the process).
    [0, p * STAT_NAMES.length],
  );
  const descriptors = ops.concat([...stoich, perProperty], 1);
  return { ...ops.slice(descriptors, 0, 0, -1), shape: [rows, descriptors.shape[1]] };
}
