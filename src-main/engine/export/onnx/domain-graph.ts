/**
 * The applicability domain's distance as an ONNX graph (a bundle's domain.onnx): the model's descriptor input
 * (and, with its featurizer, its element amounts, featurized in the graph) in, each row's mean distance to its k
 * nearest sampled training rows out, standardized and computed as train/domain.ts computes it. A caller feeds it
 * what it feeds model.onnx; the sample travels inside as an initializer.
 */
import type { Standardizer } from '../../data/dataset/scaling';
import { ParamStore } from '../../model/params';
import type { Domain } from '../../run-folder/domain';
import { crucibleVersion } from '../../paths';
import { Rng } from '../../util/random';
import { featurizeInGraph, type CompositionTable } from './composition-graph';
import { GraphBuilder } from './graph-builder';
import { BATCH_DIM, COMPOSITION_ROWS, DESCRIPTOR_ROWS } from './io-names';
import { createOnnxOps, type Sym } from './onnx-ops';

/** The graph's output: [rows] mean distances. */
export const DOMAIN_DISTANCE_OUTPUT = 'domain_distance';

export interface DomainGraphOptions {
  /** The name of the model's descriptor input, and the descriptors' training standardisation. */
  descriptors: string;
  features: Standardizer;
  /** The model's element-amount input and the element table that featurizes it. */
  composition?: { input: string; table: CompositionTable };
}

const DOC =
  'Crucible applicability domain: the inputs of the model.onnx beside it (descriptor rows, then composition rows), out "domain_distance", ' +
  "each row's mean distance of its standardized descriptors to the k nearest sampled training rows; domain.json holds k and the threshold.";

export function exportDomainGraph(domain: Domain, opts: DomainGraphOptions): Uint8Array {
  const { sample, record } = domain;
  const d = record.features.length;
  const m = record.sampleRows;
  const graph = new GraphBuilder();
  for (const name of [opts.descriptors, ...(opts.composition ? [opts.composition.input] : []), DOMAIN_DISTANCE_OUTPUT]) graph.reserve(name);
  // No parameters: the store only satisfies the ops' signature.
  const ops = createOnnxOps(graph, new ParamStore(new Rng(0)));
  const input = (name: string, shape: Sym['shape']): Sym => ({ name: graph.input(name, shape), shape });
  const node = (op: string, inputs: Sym[], shape: Sym['shape'], attrs: Parameters<GraphBuilder['node']>[2] = {}): Sym => ({
    name: graph.node(
      op,
      inputs.map((s) => s.name),
      attrs,
    ),
    shape,
  });

  const table = opts.composition?.table;
  let x = input(opts.descriptors, [table ? DESCRIPTOR_ROWS : BATCH_DIM, d]);
  if (opts.composition) {
    const amounts = input(opts.composition.input, [COMPOSITION_ROWS, opts.composition.table.elements.length]);
    x = { name: ops.concat([x, featurizeInGraph(graph, ops, amounts, opts.composition.table)], 0).name, shape: [BATCH_DIM, d] };
  }
  const scaled = ops.div(ops.sub(x, ops.constant(Float32Array.from(opts.features.mean), [d])), ops.constant(Float32Array.from(opts.features.std), [d]));
  const z = node('Where', [node('IsNaN', [scaled], scaled.shape), ops.scalar(0), scaled], scaled.shape);

  const transposed = new Float32Array(d * m);
  const norms = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const v = sample[j * d + c];
      transposed[c * m + j] = v;
      s += v * v;
    }
    norms[j] = s;
  }
  const sampleT: Sym = { name: graph.initializer('domain_sample_t', transposed, [d, m]), shape: [d, m] };
  const squared = ops.activation(
    ops.sub(ops.add(ops.sum(ops.square(z), 1, true), ops.constant(norms, [1, m])), ops.mul(ops.matMul(z, sampleT), ops.scalar(2))),
    'relu',
  );
  const k = { name: graph.constant([record.k], [1], 'int64'), shape: [1] };
  const [nearest] = graph.nodeOutputs('TopK', [squared.name, k.name], 2, { axis: { i: 1 }, largest: { i: 0 }, sorted: { i: 1 } });
  const distances = node('Sqrt', [{ name: nearest, shape: [BATCH_DIM, record.k] }], [BATCH_DIM, record.k]);
  const mean = ops.mean(distances, 1, false);
  graph.output(DOMAIN_DISTANCE_OUTPUT, mean.name, [BATCH_DIM]);
  return graph.serialize({ producerVersion: crucibleVersion(), docString: DOC, metadata: { 'crucible.domain.k': String(record.k) } });
}
