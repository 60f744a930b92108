/**
 * Gradient checking for the model's layers: the gradient TensorFlow.js computes on the wasm backend
 * (what training uses) against central finite differences of the same forward pass evaluated on the
 * pure-JS cpu backend, an independent implementation of every kernel. Both run in float32, so the
 * step is large (1e-2) and the inputs and outputs well scaled; the check is a norm-wise relative error.
 */
import { tf, type Variable } from '../../../../src-main/engine/model/tf';
import { Rng } from '../../../../src-main/engine/util/random';

export interface GradientComparison {
  name: string;
  /** ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖, floor) over the checked entries. */
  relativeError: number;
  analytic: number[];
  numeric: number[];
}

export interface GradientCheckOptions {
  eps?: number;
  /** Entries checked per variable (a seeded sample when it has more). */
  maxEntries?: number;
  /** Gradient norms below this count as zero (absolute tolerance). */
  floor?: number;
}

/** A fixed random projection of an output onto a scalar: loss = Σ y ⊙ R with R ~ U(−1, 1). */
export function projection(shape: number[], seed = 11): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.float() * 2 - 1),
    shape,
  );
}

/** A trainable input variable with U(−1, 1) entries (an unnamed variable: tfjs names it uniquely). */
export function randomVariable(shape: number[], seed: number, scale = 1): Variable {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.variable(
    tf.tensor(
      Float32Array.from({ length: n }, () => (rng.float() * 2 - 1) * scale),
      shape,
    ),
  );
}

/** Compares d loss / d v for every variable; `loss` must be a pure function of the variables' values. */
export async function compareGradients(
  vars: Array<{ name: string; v: Variable }>,
  loss: () => tf.Scalar,
  opts: GradientCheckOptions = {},
): Promise<GradientComparison[]> {
  const eps = opts.eps ?? 1e-2;
  const maxEntries = opts.maxEntries ?? 12;
  const floor = opts.floor ?? 1e-3;
  const analytic = tf.tidy(() => {
    const { grads } = tf.variableGrads(
      loss,
      vars.map((x) => x.v),
    );
    return vars.map((x) => Array.from(grads[x.v.name].dataSync()));
  });
  const training = tf.getBackend();
  await tf.setBackend('cpu');
  const rng = new Rng(5);
  const results: GradientComparison[] = [];
  try {
    vars.forEach(({ name, v }, vi) => {
      const values = Float32Array.from(v.dataSync());
      const indices = Array.from(values.keys());
      rng.shuffle(indices);
      const picked = indices.slice(0, maxEntries).sort((a, b) => a - b);
      const lossAt = (i: number, value: number) => {
        const moved = values.slice();
        moved[i] = value;
        v.assign(tf.tensor(moved, v.shape));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = picked.map((i) => {
        // Divide by the float32 distance between the two points, not by 2·eps.
        const up = Math.fround(values[i] + eps);
        const down = Math.fround(values[i] - eps);
        return (lossAt(i, up) - lossAt(i, down)) / (up - down);
      });
      v.assign(tf.tensor(values, v.shape));
      const a = picked.map((i) => analytic[vi][i]);
      const norm = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));
      const diff = norm(a.map((x, k) => x - numeric[k]));
      results.push({ name, relativeError: diff / Math.max(norm(a), norm(numeric), floor), analytic: a, numeric });
    });
  } finally {
    await tf.setBackend(training);
  }
  return results;
}
