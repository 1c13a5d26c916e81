// Elementwise activations in plain TypeScript (computed in float64, rounded once on store).
import type { PointwiseOp } from '../recurrent-calls.js';
import { sigmoid } from './recurrent.js';

export function pointwise(op: PointwiseOp, x: Float32Array, y: Float32Array): void {
  const n = x.length;
  if (op === 'sigmoid') for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]);
  else if (op === 'tanh') for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
  else for (let i = 0; i < n; i++) y[i] = x[i] < 0 ? 0 : x[i]; // NaN stays NaN
}
