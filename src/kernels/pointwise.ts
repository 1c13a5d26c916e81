// Elementwise activation kernels: the vectorized sigmoid, tanh and relu the recurrent cells use, on whole arrays.
import { backend } from '../backend/index.js';
import type { PointwiseOp } from '../backend/recurrent-calls.js';
import { checkFloat32Array, describe, rangeError } from '../validate.js';

function apply(op: PointwiseOp, x: Float32Array, out: Float32Array | undefined): Float32Array {
  checkFloat32Array(op, 'x', x);
  const y = out === undefined ? new Float32Array(x.length) : checkFloat32Array(op, 'out', out);
  if (y.length !== x.length) throw rangeError(op, 'out', `a Float32Array of x's length ${x.length}`, describe(y));
  backend.pointwise(op, x, y);
  return y;
}

/**
 * out = 1 / (1 + exp(-x)), elementwise; out defaults to a new array and may be x itself. Native kernels are
 * within 1e-7 of the exact value (absolute); NaN stays NaN.
 */
export function sigmoid(x: Float32Array, out?: Float32Array): Float32Array {
  return apply('sigmoid', x, out);
}

/** out = tanh(x), elementwise; within 2e-7 absolute and 1e-6 relative of the exact value. */
export function tanh(x: Float32Array, out?: Float32Array): Float32Array {
  return apply('tanh', x, out);
}

/** out = max(x, 0), elementwise; NaN stays NaN, as in PyTorch. */
export function relu(x: Float32Array, out?: Float32Array): Float32Array {
  return apply('relu', x, out);
}
