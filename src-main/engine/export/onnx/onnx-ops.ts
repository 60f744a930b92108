/**
 * `Ops` on symbolic ONNX values: the second interpreter of the model vocabulary. Running a model's
 * forward pass through it emits the ONNX graph of exactly that forward pass, with the trained
 * parameter values as initializers.
 */
import type { ActivationName, DenseParams, Ops, RecurrentParams } from '../../model/ops/ops';
import type { ParamStore } from '../../model/params';
import type { Attr, GraphBuilder } from './graph-builder';
import * as shapes from './shapes';

/** A value of the graph being built. */
export interface Sym {
  /** The ONNX value name. */
  readonly name: string;
  readonly shape: shapes.Shape;
  /** Known values of parameters and constants, for folding weights on export (LoRA merge, RNN layouts). */
  readonly values?: Float32Array;
}

/** Slice ends past the axis are clamped by ONNX; this one is exact as int64 and in float64. */
const TO_THE_END = Number.MAX_SAFE_INTEGER;

function requireValues(s: Sym, what: string): Float32Array {
  if (!s.values) throw new Error(`${what} must be a parameter or constant to be exported (${s.name} is computed)`);
  return s.values;
}

/** W' = W + scale·A·B, accumulated in float64. */
function mergeLora(w: Float32Array, a: Float32Array, b: Float32Array, rows: number, cols: number, rank: number, scale: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const acc = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    acc.fill(0);
    for (let k = 0; k < rank; k++) {
      const aik = a[i * rank + k];
      for (let j = 0; j < cols; j++) acc[j] += aik * b[k * cols + j];
    }
    for (let j = 0; j < cols; j++) out[i * cols + j] = w[i * cols + j] + scale * acc[j];
  }
  return out;
}

/** Row-major [rows, cols] → [cols, rows]. */
function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

/** `graph` receives the nodes; `store` supplies parameter values and shapes. */
export function createOnnxOps(graph: GraphBuilder, store: ParamStore): Ops<Sym> {
  const params = new Map<string, Sym>();
  const sym = (name: string, shape: shapes.Shape, values?: Float32Array): Sym => ({ name, shape, values });
  const emit = (op: string, inputs: Sym[], shape: shapes.Shape, attrs: Record<string, Attr> = {}): Sym =>
    sym(
      graph.node(
        op,
        inputs.map((s) => s.name),
        attrs,
      ),
      shape,
    );
  const ints = (values: readonly number[]): Sym => sym(graph.constant(values, [values.length], 'int64'), [values.length]);
  const unary = (op: string) => (a: Sym) => emit(op, [a], a.shape);
  const binary = (op: string) => (a: Sym, b: Sym) => emit(op, [a, b], shapes.broadcastShapes(a.shape, b.shape));

  const foldedKernel = (p: DenseParams<Sym>): Sym => {
    if (!p.lora) return p.kernel;
    const [rows, cols] = p.kernel.shape as number[];
    const rank = p.lora.a.shape[1] as number;
    const w = requireValues(p.kernel, 'a LoRA-adapted kernel');
    const merged = mergeLora(w, requireValues(p.lora.a, 'LoRA A'), requireValues(p.lora.b, 'LoRA B'), rows, cols, rank, p.lora.scale);
    return sym(graph.initializer(`${p.kernel.name}.lora_merged`, merged, [rows, cols]), p.kernel.shape, merged);
  };

  const activation = (x: Sym, name: ActivationName): Sym => {
    switch (name) {
      case 'relu':
        return emit('Relu', [x], x.shape);
      case 'leaky_relu':
        return emit('LeakyRelu', [x], x.shape, { alpha: { f: 0.01 } });
      case 'tanh':
        return emit('Tanh', [x], x.shape);
      case 'sigmoid':
        return emit('Sigmoid', [x], x.shape);
      case 'silu':
        return ops.mul(x, emit('Sigmoid', [x], x.shape));
      case 'softplus':
        return emit('Softplus', [x], x.shape);
      case 'gelu': {
        // The tanh approximation tf-ops trains with (ONNX has Gelu only from opset 20).
        const cube = ops.mul(ops.mul(x, x), x);
        const inner = ops.mul(ops.add(x, ops.mul(cube, ops.scalar(0.044715))), ops.scalar(Math.sqrt(2 / Math.PI)));
        return ops.mul(ops.mul(x, ops.scalar(0.5)), ops.add(emit('Tanh', [inner], inner.shape), ops.scalar(1)));
      }
      case 'linear':
        return x;
    }
  };

  /**
   * ONNX GRU / LSTM are time-major with weights [directions, gates·hidden, input] and B = [Wb; Rb];
   * our kernels are [input, gates·hidden] in the same gate order (GRU z,r,h with the recurrent bias
   * inside the reset gate = linear_before_reset; LSTM i,o,f,c), so they only need transposing.
   * Batch-first `layout=1` is avoided: onnxruntime's CPU kernels do not implement it.
   */
  const recurrent = (x: Sym, p: RecurrentParams<Sym>, cell: 'gru' | 'lstm', hidden: number): Sym => {
    const gates = (cell === 'gru' ? 3 : 4) * hidden;
    const [inputSize, width] = p.kernel.shape as number[];
    if (width !== gates || p.recurrent.shape[0] !== hidden) {
      throw new Error(`${cell} weights [${p.kernel.shape}] and [${p.recurrent.shape}] do not fit hidden size ${hidden}`);
    }
    const w = transpose2d(requireValues(p.kernel, 'a recurrent kernel'), inputSize, gates);
    const r = transpose2d(requireValues(p.recurrent, 'a recurrent kernel'), hidden, gates);
    const b = new Float32Array(2 * gates);
    b.set(requireValues(p.bias, 'a recurrent bias'));
    b.set(requireValues(p.recurrentBias, 'a recurrent bias'), gates);
    const inputs = [
      ops.transpose(x, [1, 0, 2]).name,
      graph.initializer(`${p.kernel.name}.onnx_W`, w, [1, gates, inputSize]),
      graph.initializer(`${p.recurrent.name}.onnx_R`, r, [1, gates, hidden]),
      graph.initializer(`${p.bias.name}.onnx_B`, b, [1, 2 * gates]),
    ];
    const attrs: Record<string, Attr> = { hidden_size: { i: hidden }, ...(cell === 'gru' ? { linear_before_reset: { i: 1 } } : {}) };
    const [batch, len] = x.shape;
    const y = sym(graph.node(cell === 'gru' ? 'GRU' : 'LSTM', inputs, attrs), [len, 1, batch, hidden]);
    return ops.transpose(ops.squeeze(y, 1), [1, 0, 2]);
  };

  const ops: Ops<Sym> = {
    param: (name) => {
      let p = params.get(name);
      if (!p) {
        const values = store.values(name).slice();
        const { shape } = store.spec(name);
        p = sym(graph.initializer(name, values, shape, { deferred: true }), shape, values);
        params.set(name, p);
      }
      return p;
    },
    constant: (values, shape) => sym(graph.constant(values, shape), shape, values),
    scalar: (value) => ops.constant(Float32Array.of(value), []),
    add: binary('Add'),
    sub: binary('Sub'),
    mul: binary('Mul'),
    div: binary('Div'),
    neg: unary('Neg'),
    square: (a) => ops.mul(a, a),
    exp: unary('Exp'),
    log: unary('Log'),
    sin: unary('Sin'),
    cos: unary('Cos'),
    activation,
    matMul: (a, b) => emit('MatMul', [a, b], shapes.matMulShape(a.shape, b.shape)),
    dense: (x, p) => {
      const y = ops.matMul(x, foldedKernel(p));
      return p.bias ? ops.add(y, p.bias) : y;
    },
    layerNorm: (x, gamma, beta, epsilon) => emit('LayerNormalization', [x, gamma, beta], x.shape, { axis: { i: -1 }, epsilon: { f: epsilon } }),
    softmax: (x) => emit('Softmax', [x], x.shape, { axis: { i: -1 } }),
    concat: (xs, axis) =>
      emit(
        'Concat',
        xs,
        shapes.concatShape(
          xs.map((s) => s.shape),
          axis,
        ),
        { axis: { i: axis } },
      ),
    slice: (x, axis, start, end) => emit('Slice', [x, ints([start]), ints([end ?? TO_THE_END]), ints([axis])], shapes.sliceShape(x.shape, axis, start, end)),
    pad: (x, axis, before, after) => {
      const a = shapes.normalizeAxis(axis, x.shape.length);
      const pads = [...x.shape.map((_, i) => (i === a ? before : 0)), ...x.shape.map((_, i) => (i === a ? after : 0))];
      return emit('Pad', [x, ints(pads)], shapes.padShape(x.shape, axis, before, after));
    },
    expandDims: (x, axis) => emit('Unsqueeze', [x, ints([axis])], shapes.expandDimsShape(x.shape, axis)),
    squeeze: (x, axis) => emit('Squeeze', [x, ints([axis])], shapes.squeezeShape(x.shape, axis)),
    transpose: (x, perm) => emit('Transpose', [x], shapes.transposeShape(x.shape, perm), { perm: { ints: perm } }),
    reshape: (x, shape) => emit('Reshape', [x, ints(shape)], shapes.reshapeShape(x.shape, shape)),
    sum: (x, axis, keepDims) => emit('ReduceSum', [x, ints([axis])], shapes.reduceShape(x.shape, axis, keepDims), { keepdims: { i: keepDims ? 1 : 0 } }),
    // ReduceMean takes its axes as an attribute until opset 18.
    mean: (x, axis, keepDims) =>
      emit('ReduceMean', [x], shapes.reduceShape(x.shape, axis, keepDims), { axes: { ints: [axis] }, keepdims: { i: keepDims ? 1 : 0 } }),
    recurrent,
    dropout: (x) => x,
  };
  return ops;
}
