/**
 * The vocabulary every model layer is written in. A layer's forward pass is one function over
 * `Ops<T>`; TensorFlow.js runs it on tensors (training, `tf-ops.ts`) and the ONNX exporter runs
 * the same function on symbolic values (export). One definition, two interpreters: the exported
 * graph cannot drift from the trained model.
 *
 * Shapes follow the NumPy/ONNX conventions: operations broadcast, the batch and sequence axes are
 * dynamic, and `reshape` understands 0 (copy that input dimension) and -1 (infer).
 * Primitives are chosen to map onto ONNX opset 17 operators one to one.
 */

/** A dense layer's parameters; LoRA adds `scale·(x·A)·B` (merged into the kernel on export). */
export interface DenseParams<T> {
  kernel: T;
  bias?: T;
  lora?: { a: T; b: T; scale: number };
}

export interface RecurrentParams<T> {
  /** Input weights [inputSize, gates·hidden] in the gate order of `cell`. */
  kernel: T;
  /** Recurrent weights [hidden, gates·hidden]. */
  recurrent: T;
  /** Input bias [gates·hidden]. */
  bias: T;
  /** Recurrent bias [gates·hidden] (GRU applies it inside the reset gate, as PyTorch and ONNX linear_before_reset=1). */
  recurrentBias: T;
}

export type ActivationName = 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'gelu' | 'silu' | 'softplus' | 'linear';

export interface Ops<T> {
  /** A named trainable (or frozen) parameter of the model. */
  param(name: string): T;
  constant(values: Float32Array, shape: number[]): T;
  scalar(value: number): T;

  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  square(a: T): T;
  exp(a: T): T;
  /** Natural logarithm. */
  log(a: T): T;
  sin(a: T): T;
  cos(a: T): T;
  activation(a: T, name: ActivationName): T;
  /** Matrix product over the last two axes; a 2-D right operand broadcasts over leading axes. */
  matMul(a: T, b: T): T;
  /** `x·W + b` over the last axis (any rank). */
  dense(x: T, p: DenseParams<T>): T;
  /** Layer normalisation over the last axis with learned scale and offset. */
  layerNorm(x: T, gamma: T, beta: T, epsilon: number): T;
  softmax(x: T): T;
  concat(xs: T[], axis: number): T;
  /** Elements [start, end) along `axis`; negative `end` counts from the end, `undefined` = to the end. */
  slice(x: T, axis: number, start: number, end?: number): T;
  /** Zeros before (and after) along `axis`. */
  pad(x: T, axis: number, before: number, after: number): T;
  expandDims(x: T, axis: number): T;
  squeeze(x: T, axis: number): T;
  transpose(x: T, perm: number[]): T;
  /** ONNX semantics: 0 copies the input's dimension at that position, -1 is inferred. */
  reshape(x: T, shape: number[]): T;
  sum(x: T, axis: number, keepDims: boolean): T;
  mean(x: T, axis: number, keepDims: boolean): T;
  /** Runs a GRU or LSTM over a batch-first sequence [B, L, I] → [B, L, H]. */
  recurrent(x: T, p: RecurrentParams<T>, cell: 'gru' | 'lstm', hidden: number): T;
  /** Training-time dropout; the identity in inference and export. */
  dropout(x: T, rate: number): T;
}

/** Applies `dense` then an activation: the most common pair. */
export function denseAct<T>(ops: Ops<T>, x: T, p: DenseParams<T>, act: ActivationName): T {
  return ops.activation(ops.dense(x, p), act);
}
