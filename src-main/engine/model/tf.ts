/**
 * The engine's single import of TensorFlow.js. Everything in model/ and train/ takes `tf` from
 * here, so the backend chosen in backend.ts is the one every op runs on.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Scalar = tf.Scalar;
export type Tensor2D = tf.Tensor2D;
export type Variable = tf.Variable;
