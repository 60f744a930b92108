/**
 * Static shape tracking for symbolic ONNX values: sizes where known, the symbolic names of dynamic
 * axes ('batch') where they pass through unchanged, null otherwise. The exporter needs ranks (Pad,
 * axis normalisation) and declares its outputs' shapes from these.
 */
import type { Dim } from './graph-builder';

export type Shape = readonly Dim[];

/** A non-negative axis for a tensor of rank `rank`. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1 || a === b) return a;
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`cannot broadcast dimensions ${a} and ${b}`);
  // A symbolic or unknown dimension broadcast against a size must equal that size (or be 1).
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a === null ? b : b === null ? a : null;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: Shape, b: Shape): Dim[] {
  const rank = Math.max(a.length, b.length);
  // Missing leading axes count as 1 (not `?? 1`: null is a real, unknown dimension).
  const at = (s: Shape, i: number): Dim => (i < rank - s.length ? 1 : s[i - (rank - s.length)]);
  return Array.from({ length: rank }, (_, i) => broadcastDim(at(a, i), at(b, i)));
}

/** Shape of a matrix product over the last two axes, leading axes broadcast. */
export function matMulShape(a: Shape, b: Shape): Dim[] {
  if (a.length < 2 || b.length < 2) throw new Error(`matMul needs operands of rank ≥ 2, got ${a.length} and ${b.length}`);
  const [m, ka] = a.slice(-2);
  const [kb, n] = b.slice(-2);
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) throw new Error(`matMul inner dimensions differ: ${ka} and ${kb}`);
  return [...broadcastShapes(a.slice(0, -2), b.slice(0, -2)), m, n];
}

export function concatShape(shapes: Shape[], axis: number): Dim[] {
  const a = normalizeAxis(axis, shapes[0].length);
  const sizes = shapes.map((s) => s[a]);
  const total = sizes.every((d) => typeof d === 'number') ? (sizes as number[]).reduce((x, y) => x + y, 0) : null;
  return shapes[0].map((d, i) => (i === a ? total : d));
}

/** Elements [start, end) along one axis, as ONNX Slice clamps them. */
export function sliceShape(shape: Shape, axis: number, start: number, end?: number): Dim[] {
  const a = normalizeAxis(axis, shape.length);
  const d = shape[a];
  let size: Dim = null;
  if (typeof d === 'number') {
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    size = Math.max(clamp(end ?? d) - clamp(start), 0);
  } else if (start === 0 && end === undefined) size = d;
  return shape.map((s, i) => (i === a ? size : s));
}

export function padShape(shape: Shape, axis: number, before: number, after: number): Dim[] {
  const a = normalizeAxis(axis, shape.length);
  return shape.map((d, i) => (i !== a ? d : typeof d === 'number' ? d + before + after : null));
}

export function transposeShape(shape: Shape, perm: readonly number[]): Dim[] {
  if (perm.length !== shape.length) throw new Error(`transpose permutation [${perm}] does not fit rank ${shape.length}`);
  return perm.map((p) => shape[p]);
}

/**
 * ONNX Reshape (allowzero 0): 0 copies the input dimension, -1 is inferred. The inferred size is a
 * number when all sizes are known, or the one symbolic input dimension that has nowhere else to go.
 */
export function reshapeShape(shape: Shape, target: readonly number[]): Dim[] {
  const out: Dim[] = target.map((d, i) => (d === 0 ? shape[i] : d));
  const inferred = target.indexOf(-1);
  if (inferred < 0) return out;
  const product = (ds: readonly Dim[]) => ds.reduce<number>((x, d) => (typeof d === 'number' ? x * d : x), 1);
  const rest = out.filter((_, i) => i !== inferred);
  // Symbolic dimensions present on both sides cancel out.
  const unmatched = shape
    .filter((d) => typeof d !== 'number')
    .filter((d) => {
      const k = rest.indexOf(d);
      if (k >= 0 && d !== null) rest.splice(k, 1);
      return k < 0 || d === null;
    });
  const restUnknown = rest.some((d) => typeof d !== 'number');
  if (restUnknown || unmatched.length > 1) out[inferred] = null;
  else if (unmatched.length === 1) out[inferred] = product(shape) === product(rest) ? unmatched[0] : null;
  else out[inferred] = product(shape) / product(rest);
  return out;
}

/** Shape after reducing one axis. */
export function reduceShape(shape: Shape, axis: number, keepDims: boolean): Dim[] {
  const a = normalizeAxis(axis, shape.length);
  return keepDims ? shape.map((d, i) => (i === a ? 1 : d)) : shape.filter((_, i) => i !== a);
}

export function expandDimsShape(shape: Shape, axis: number): Dim[] {
  const a = normalizeAxis(axis, shape.length + 1);
  return [...shape.slice(0, a), 1, ...shape.slice(a)];
}

export function squeezeShape(shape: Shape, axis: number): Dim[] {
  const a = normalizeAxis(axis, shape.length);
  if (typeof shape[a] === 'number' && shape[a] !== 1) throw new Error(`cannot squeeze axis ${axis} of size ${shape[a]}`);
  return shape.filter((_, i) => i !== a);
}
