/** Global-norm gradient clipping across every parameter at once (PyTorch `clip_grad_norm_`, Keras `global_clipnorm`). */
import { tf, type Scalar, type Tensor } from '../../model/tf';

/** √(Σ‖g‖²) over all gradients, as a tensor (reading it is the caller's choice: it waits for the device). */
export function globalNorm(grads: Record<string, Tensor>): Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as Scalar);
}

/**
 * Scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), so the global norm is at most `maxNorm`
 * and the direction is kept. Returns new tensors; the inputs are left to the caller.
 */
export function clipByGlobalNorm(grads: Record<string, Tensor>, maxNorm: number): Record<string, Tensor> {
  const names = Object.keys(grads);
  if (names.length === 0) return {};
  return tf.tidy(() => {
    // The factor stays on the device: no read-back per step. The 1e-6 keeps a zero norm finite.
    const norm = globalNorm(grads);
    const factor = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], factor)]));
  });
}
