// The normalization passes in plain TypeScript: the twin of native/normalize/columns.cc (same operations in the
// same order, so the two backends agree bit for bit on x86-64). x is a row-major rows x cols matrix; NaN is a
// missing value and the statistics skip it.
import type { NumericArray } from '../types.js';

/** The index of the first +-Infinity in x, or -1. */
export function findInfinite(x: NumericArray): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v === Infinity || v === -Infinity) return i;
  }
  return -1;
}

// Statistics are accumulated over blocks of U consecutive rows, U * cols >= 64 values, one accumulator per value of
// the block ("lane"); lane t belongs to column t % cols, each lane adds up its rows in order, and a column's U lanes
// are added in lane order at the end: the order native/normalize/columns.cc uses, which vectorizes there.
function rowsPerBlock(cols: number): number {
  return cols >= 64 ? 1 : Math.ceil(64 / cols);
}

// out[j] = sum over u of lanes[u * cols + j], in order of u.
function fold(lanes: Float64Array, blockRows: number, cols: number, out: Float64Array): void {
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let u = 0; u < blockRows; u++) s += lanes[u * cols + j];
    out[j] = s;
  }
}

/** Per column: count of non-NaN values, their mean, and the sum of squared deviations (two passes, corrected). */
export function columnMoments(
  x: NumericArray,
  rows: number,
  cols: number,
  n: Float64Array,
  mean: Float64Array,
  m2: Float64Array,
): void {
  const U = rowsPerBlock(cols);
  const L = U * cols;
  const total = rows * cols;
  const count = new Float64Array(L);
  const sum = new Float64Array(L);
  for (let k = 0; k < total; k += L) {
    const lanes = Math.min(L, total - k);
    for (let t = 0; t < lanes; t++) {
      const v = x[k + t];
      if (v === v) {
        count[t] += 1;
        sum[t] += v;
      }
    }
  }
  const totalSum = new Float64Array(cols);
  fold(count, U, cols, n);
  fold(sum, U, cols, totalSum);
  for (let j = 0; j < cols; j++) mean[j] = n[j] > 0 ? totalSum[j] / n[j] : 0;
  const squares = new Float64Array(L);
  const deviations = new Float64Array(L);
  for (let k = 0; k < total; k += L) {
    const lanes = Math.min(L, total - k);
    for (let t = 0; t < lanes; t++) {
      const v = x[k + t];
      if (v === v) {
        const d = v - mean[t % cols];
        squares[t] += d * d;
        deviations[t] += d;
      }
    }
  }
  const correction = new Float64Array(cols);
  fold(squares, U, cols, m2);
  fold(deviations, U, cols, correction);
  for (let j = 0; j < cols; j++) {
    // the usual correction for the rounding of the mean: m2 - (sum of deviations)^2 / n
    const fixed = n[j] > 0 ? m2[j] - (correction[j] * correction[j]) / n[j] : 0;
    m2[j] = fixed > 0 ? fixed : 0;
  }
}

/** Per column: min, max and max |x| of the non-NaN values (Infinity, -Infinity and 0 without any). */
export function columnExtrema(
  x: NumericArray,
  rows: number,
  cols: number,
  min: Float64Array,
  max: Float64Array,
  maxAbs: Float64Array,
): void {
  const L = rowsPerBlock(cols) * cols;
  const total = rows * cols;
  const lo = new Float64Array(L).fill(Infinity);
  const hi = new Float64Array(L).fill(-Infinity);
  const big = new Float64Array(L);
  for (let k = 0; k < total; k += L) {
    const lanes = Math.min(L, total - k);
    for (let t = 0; t < lanes; t++) {
      const v = x[k + t];
      if (v < lo[t]) lo[t] = v; // NaN compares false and is skipped
      if (v > hi[t]) hi[t] = v;
      const a = Math.abs(v);
      if (a > big[t]) big[t] = a;
    }
  }
  min.fill(Infinity);
  max.fill(-Infinity);
  maxAbs.fill(0);
  for (let t = 0; t < L; t++) {
    const j = t % cols;
    if (lo[t] < min[j]) min[j] = lo[t];
    if (hi[t] > max[j]) max[j] = hi[t];
    if (big[t] > maxAbs[j]) maxAbs[j] = big[t];
  }
}

/** y = (x - center) / scale per column, or its inverse y = x * scale + center. y may be x. */
export function affine(
  x: NumericArray,
  rows: number,
  cols: number,
  center: Float64Array,
  scale: Float64Array,
  inverse: boolean,
  y: NumericArray,
): void {
  if (inverse) {
    for (let i = 0, k = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++, k++) y[k] = x[k] * scale[j] + center[j];
    }
  } else {
    for (let i = 0, k = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++, k++) y[k] = (x[k] - center[j]) / scale[j];
    }
  }
}
