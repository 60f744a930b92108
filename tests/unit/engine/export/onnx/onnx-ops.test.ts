import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, type Dim } from '../../../../../src-main/engine/export/onnx/graph-builder';
import { createOnnxOps, type Sym } from '../../../../../src-main/engine/export/onnx/onnx-ops';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import type { ActivationName, Ops } from '../../../../../src-main/engine/model/ops/ops';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';
import { scratchDir } from '../../../../helpers/paths';
import { expectParity, expectValidOnnx, runOnnx, type Feed } from '../onnx-harness';

/** A tiny function of x [B, 4] and s [B, L, 4] exercising the primitives it `covers`. */
interface Case {
  name: string;
  covers: (keyof Ops<unknown>)[];
  f: <T>(ops: Ops<T>, x: T, s: T) => T;
}

const HIDDEN = 3;
const ACTIVATIONS: ActivationName[] = ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'silu', 'linear'];

const cases: Case[] = [
  { name: 'param', covers: ['param', 'add'], f: (o, x) => o.add(x, o.param('v')) },
  { name: 'constant', covers: ['constant', 'mul'], f: (o, x) => o.mul(x, o.constant(Float32Array.of(1, -2, 0.5, 3), [4])) },
  { name: 'scalar', covers: ['scalar', 'sub'], f: (o, x) => o.sub(x, o.scalar(2.5)) },
  { name: 'div', covers: ['div', 'square'], f: (o, x, s) => o.div(s, o.add(o.square(o.expandDims(x, 1)), o.scalar(1))) },
  { name: 'neg', covers: ['neg'], f: (o, x) => o.neg(x) },
  { name: 'exp', covers: ['exp'], f: (o, x) => o.exp(x) },
  { name: 'log', covers: ['log'], f: (o, x) => o.log(o.add(o.square(x), o.scalar(0.5))) },
  { name: 'sin cos', covers: ['sin', 'cos'], f: (o, x, s) => o.add(o.sin(s), o.cos(o.expandDims(x, 1))) },
  ...ACTIVATIONS.map((a): Case => ({ name: `activation ${a}`, covers: ['activation'], f: (o, _x, s) => o.activation(o.mul(s, o.scalar(3)), a) })),
  { name: 'matMul 2-D', covers: ['matMul'], f: (o, x) => o.matMul(x, o.param('w')) },
  { name: 'matMul 3-D by 2-D', covers: ['matMul'], f: (o, _x, s) => o.matMul(s, o.param('w')) },
  { name: 'matMul batched', covers: ['matMul', 'transpose'], f: (o, _x, s) => o.matMul(s, o.transpose(s, [0, 2, 1])) },
  { name: 'dense', covers: ['dense'], f: (o, _x, s) => o.dense(s, { kernel: o.param('w'), bias: o.param('b') }) },
  { name: 'dense without bias', covers: ['dense'], f: (o, x) => o.dense(x, { kernel: o.param('w') }) },
  {
    name: 'dense with LoRA',
    covers: ['dense'],
    f: (o, x) => o.dense(x, { kernel: o.param('w'), bias: o.param('b'), lora: { a: o.param('lora_a'), b: o.param('lora_b'), scale: 1.5 } }),
  },
  { name: 'layerNorm', covers: ['layerNorm'], f: (o, _x, s) => o.layerNorm(s, o.param('gamma'), o.param('beta'), 1e-5) },
  { name: 'softmax', covers: ['softmax'], f: (o, _x, s) => o.softmax(s) },
  { name: 'concat', covers: ['concat'], f: (o, x, s) => o.concat([s, o.mul(s, o.scalar(2))], 2) },
  { name: 'concat negative axis', covers: ['concat'], f: (o, x) => o.concat([x, o.neg(x), x], -1) },
  { name: 'slice', covers: ['slice'], f: (o, _x, s) => o.slice(s, 2, 1, 3) },
  { name: 'slice negative end', covers: ['slice'], f: (o, _x, s) => o.slice(s, 1, 1, -1) },
  { name: 'slice to the end', covers: ['slice'], f: (o, _x, s) => o.slice(s, 2, 2) },
  { name: 'pad', covers: ['pad'], f: (o, _x, s) => o.pad(s, 1, 2, 1) },
  { name: 'expandDims squeeze', covers: ['expandDims', 'squeeze'], f: (o, x) => o.squeeze(o.expandDims(o.expandDims(x, -1), 1), -1) },
  { name: 'reshape', covers: ['reshape'], f: (o, _x, s) => o.reshape(o.reshape(s, [0, 0, 2, 2]), [0, -1]) },
  { name: 'sum', covers: ['sum'], f: (o, _x, s) => o.add(o.sum(s, 1, true), o.expandDims(o.sum(s, -1, false), 2)) },
  { name: 'mean', covers: ['mean'], f: (o, _x, s) => o.add(o.mean(s, -1, true), o.expandDims(o.mean(s, 1, false), 1)) },
  {
    name: 'recurrent gru',
    covers: ['recurrent'],
    f: (o, _x, s) =>
      o.recurrent(s, { kernel: o.param('gru.k'), recurrent: o.param('gru.r'), bias: o.param('gru.b'), recurrentBias: o.param('gru.rb') }, 'gru', HIDDEN),
  },
  {
    name: 'recurrent lstm',
    covers: ['recurrent'],
    f: (o, _x, s) =>
      o.recurrent(s, { kernel: o.param('lstm.k'), recurrent: o.param('lstm.r'), bias: o.param('lstm.b'), recurrentBias: o.param('lstm.rb') }, 'lstm', HIDDEN),
  },
  { name: 'dropout', covers: ['dropout'], f: (o, x) => o.dropout(x, 0.5) },
];

const BATCH = 3;
const LENGTH = 5;

function makeStore(): ParamStore {
  const store = new ParamStore(new Rng(11));
  const shapes: Record<string, number[]> = {
    v: [4],
    w: [4, 6],
    b: [6],
    lora_a: [4, 2],
    lora_b: [2, 6],
    gamma: [4],
    beta: [4],
    'gru.k': [4, 3 * HIDDEN],
    'gru.r': [HIDDEN, 3 * HIDDEN],
    'gru.b': [3 * HIDDEN],
    'gru.rb': [3 * HIDDEN],
    'lstm.k': [4, 4 * HIDDEN],
    'lstm.r': [HIDDEN, 4 * HIDDEN],
    'lstm.b': [4 * HIDDEN],
    'lstm.rb': [4 * HIDDEN],
  };
  // Non-zero everywhere (biases and LoRA B included), so every weight shows up in the outputs.
  for (const [name, shape] of Object.entries(shapes)) store.create(name, shape, { normal: 0.7 }, 'test');
  return store;
}

function randomFeed(dims: number[], seed: number): Feed {
  const rng = new Rng(seed);
  return { data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 1)), dims };
}

function buildGraph(c: Case, store: ParamStore): Uint8Array {
  const graph = new GraphBuilder();
  const ops = createOnnxOps(graph, store);
  const input = (name: string, shape: Dim[]): Sym => ({ name: graph.input(name, shape), shape });
  const y = c.f(ops, input('x', ['batch', 4]), input('s', ['batch', 'length', 4]));
  graph.output('y', y.name, y.shape);
  return graph.serialize({ producerVersion: 'test', metadata: {} });
}

describe('ONNX Ops interpreter', () => {
  let store: ParamStore;
  const feeds = { x: randomFeed([BATCH, 4], 1), s: randomFeed([BATCH, LENGTH, 4], 2) };
  const scratch = scratchDir('crucible-onnx-ops-');

  beforeAll(async () => {
    await initBackend('wasm');
    store = makeStore();
  });
  afterAll(() => {
    store.dispose();
    scratch.cleanup();
  });

  it('implements the same primitives as the tfjs interpreter, each covered by a case below', () => {
    const onnxPrimitives = Object.keys(createOnnxOps(new GraphBuilder(), store)).sort();
    expect(onnxPrimitives).toEqual(Object.keys(createTfOps(store, { training: false })).sort());
    expect([...new Set(cases.flatMap((c) => c.covers))].sort()).toEqual(onnxPrimitives);
  });

  it.each(cases)('$name: onnxruntime matches tfjs', async (c) => {
    const expected = tf.tidy(() => {
      const t = c.f(createTfOps(store, { training: false }), tf.tensor(feeds.x.data, feeds.x.dims), tf.tensor(feeds.s.data, feeds.s.dims));
      return { data: t.dataSync().slice(), dims: t.shape };
    });
    const { y } = await runOnnx(buildGraph(c, store), feeds);
    expect(y.dims).toEqual(expected.dims);
    expectParity(y.data, expected.data, c.name);
  });

  it('accepts a different batch size and sequence length than it was traced with', async () => {
    const gru = cases.find((c) => c.name === 'recurrent gru')!;
    const { y } = await runOnnx(buildGraph(gru, store), { x: randomFeed([7, 4], 3), s: randomFeed([7, 2, 4], 4) });
    expect(y.dims).toEqual([7, 2, HIDDEN]);
  });

  it('writes only the weights the graph reads: a LoRA-adapted kernel is replaced by its merged copy', async () => {
    const { onnx } = (await import('onnx-proto')).default;
    const model = onnx.ModelProto.decode(
      buildGraph(
        cases.find((c) => c.name === 'dense with LoRA')!,
        store,
      ),
    );
    const names = model.graph!.initializer!.map((t) => t.name);
    expect(names).toContain('w.lora_merged');
    expect(names).not.toContain('w');
    expect(names.filter((n) => n!.startsWith('lora_'))).toEqual([]);
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Identity']);
  });

  it('every graph passes the ONNX reference checker (full check, opset 17, IR 8)', () => {
    expectValidOnnx(scratch.dir, Object.fromEntries(cases.map((c) => [c.name, buildGraph(c, store)])));
  });
});
