// What the pure-TypeScript recurrent cells share (names and layout as in src/backend/recurrent-calls.ts): the GEMMs
// that cover every time step at once, bias sums, and initial states. The twin of native/rnn/sequence.cc.
import type { Dims } from '../recurrent-calls.js';
import { sgemm } from './sgemm.js';

/** Whether example b is still running at step t. */
export function isActive(lengths: Int32Array | null, b: number, t: number): boolean {
  return lengths === null || t < lengths[b];
}

/** out (T*B, n) = x (T*B, I) * w^T + beta * out, with w (n, I): the input projection of every step. */
export function projectInputs(d: Dims, n: number, x: Float32Array, w: Float32Array, out: Float32Array, beta: number) {
  sgemm(false, true, d.T * d.B, n, d.I, 1, x, d.I, w, d.I, beta, out, n, 0, 0, 0);
}

/** dx (T*B, I) = dg * wIh, and dWIh (n, I) += dg^T * x, for the gate gradients dg (T*B, n) of all steps. */
export function inputSideGradients(
  d: Dims,
  n: number,
  dg: Float32Array,
  x: Float32Array,
  wIh: Float32Array,
  dx: Float32Array,
  dWIh: Float32Array,
) {
  const rows = d.T * d.B;
  sgemm(false, false, rows, d.I, n, 1, dg, n, wIh, d.I, 0, dx, d.I, 0, 0, 0);
  sgemm(true, false, n, d.I, rows, 1, dg, n, x, d.I, 1, dWIh, d.I, 0, 0, 0);
}

/**
 * dW (n, H, from dW[offsetW]) += dg^T * hin: dg is (T*B, n) with row stride ldg from dg[offsetG]; hin (T*B, H) is the
 * input the weight multiplied at each step.
 */
export function hiddenSideGradients(
  d: Dims,
  n: number,
  dg: Float32Array,
  offsetG: number,
  ldg: number,
  hin: Float32Array,
  dW: Float32Array,
  offsetW: number,
) {
  sgemm(true, false, n, d.H, d.T * d.B, 1, dg, ldg, hin, d.H, 1, dW, d.H, offsetG, 0, offsetW);
}

/** sums (n) += column sums of m (rows x n, row stride ld, from m[offset]). */
export function addColumnSums(
  m: Float32Array,
  offset: number,
  rows: number,
  n: number,
  ld: number,
  sums: Float64Array,
) {
  for (let r = 0; r < rows; r++) {
    const row = offset + r * ld;
    for (let j = 0; j < n; j++) sums[j] += m[row + j];
  }
}

/** out[offset + j] += sums[j]. */
export function addTo(sums: Float64Array, out: Float32Array, offset = 0) {
  for (let j = 0; j < sums.length; j++) out[offset + j] += sums[j];
}

/** state[0 : B*H] = init, or zeros. */
export function initialState(init: Float32Array | null, state: Float32Array, size: number) {
  if (init) state.set(init.subarray(0, size));
  else state.fill(0, 0, size);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * dhNorms[t] when the call asks for it: the L2 norm, in float64, of dh (B, H) + dy[t] (B, H) over the examples
 * running at step t, dh being the gradient of the state after step t through later steps. The twin of
 * record_state_gradient_norm in native/rnn/sequence.h.
 */
export function recordStateGradientNorm(
  c: Dims & { lengths: Int32Array | null; dy: Float32Array | null; dhNorms?: Float32Array | null },
  t: number,
  dh: Float32Array,
): void {
  if (!c.dhNorms) return;
  const { B, H, lengths, dy } = c;
  const at = t * B * H;
  let sum = 0;
  for (let b = 0; b < B; b++) {
    if (!isActive(lengths, b, t)) continue;
    for (let j = b * H; j < (b + 1) * H; j++) {
      const v = dh[j] + (dy ? dy[at + j] : 0);
      sum += v * v;
    }
  }
  c.dhNorms[t] = Math.sqrt(sum);
}
